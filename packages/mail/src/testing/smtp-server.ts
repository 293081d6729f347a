import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message as the test server received it. */
export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  /** The authenticated user, if any. */
  readonly user: string | undefined;
  /** Whether the connection was encrypted (smtps, or upgraded with STARTTLS). */
  readonly secure: boolean;
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

export interface TestSmtpServerOptions {
  /** Require AUTH with these credentials; without it the server offers no AUTH. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Offer STARTTLS (with smtp-server's built-in self-signed certificate). Default false. */
  readonly startTls?: boolean;
  /** TLS from the first byte (smtps). Default false. */
  readonly secure?: boolean;
  /** Refuse RCPT TO for these addresses with a 550. */
  readonly rejectRecipients?: readonly string[];
  /** Refuse the message after DATA with a 554 whose reply text this returns (it may quote the message). */
  readonly rejectMessage?: (raw: string) => string;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** `smtp://` (or `smtps://`) URL of the server, with credentials if given. */
  url(credentials?: { user: string; pass: string }): string;
  close(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1, on a port of its own. */
export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const disabled = [...(options.auth ? [] : ['AUTH']), ...(options.startTls ? [] : ['STARTTLS'])];
  const serverOptions: SMTPServerOptions = {
    secure: options.secure ?? false,
    disabledCommands: disabled,
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) {
        callback(Object.assign(new Error(`<${address.address}>: no such user here`), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (options.rejectMessage) {
          callback(
            Object.assign(new Error(options.rejectMessage(raw.toString('utf8'))), { responseCode: 554 }),
          );
          return;
        }
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              user: typeof session.user === 'string' ? session.user : undefined,
              secure: session.secure,
              raw,
              parsed,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const scheme = options.secure ? 'smtps' : 'smtp';
  return {
    port: address.port,
    received,
    url: (credentials) =>
      credentials
        ? `${scheme}://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@127.0.0.1:${address.port}`
        : `${scheme}://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A TCP server on 127.0.0.1 that accepts connections and then says nothing — or only `greeting`, and then
 * nothing: an SMTP server that hangs.
 */
export async function startSilentServer(
  greeting?: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (greeting !== undefined) socket.write(greeting);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}
