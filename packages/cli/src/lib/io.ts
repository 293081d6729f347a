/** What a command reads and writes: the process's streams and environment, or a test's. */
export interface Io {
  readonly env: NodeJS.ProcessEnv;
  /** The whole of standard input as text; `maxBytes` bounds it (secrets and tokens are small). */
  readStdin(maxBytes: number): Promise<string>;
  /** Whether standard input is a terminal (then a secret is not piped in and must be typed). */
  readonly stdinIsTty: boolean;
  /** Reads one line from the terminal without echoing it (for a secret typed by hand). */
  readHiddenLine(prompt: string): Promise<string>;
  out(text: string): void;
  err(text: string): void;
}

/** The process's own standard streams and environment. */
export function processIo(): Io {
  return {
    env: process.env,
    stdinIsTty: process.stdin.isTTY === true,
    async readStdin(maxBytes) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        size += buffer.length;
        if (size > maxBytes) throw new RangeError(`standard input is longer than ${maxBytes} bytes`);
        chunks.push(buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    readHiddenLine: readHiddenLineFromTerminal,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

/** Ctrl-C, Ctrl-D, backspace and delete, as a raw-mode terminal sends them. */
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const ERASE = new Set(['\u0008', '\u007f']);

function readHiddenLineFromTerminal(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error === undefined) resolve(line);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === CTRL_D) return finish();
        if (char === CTRL_C) return finish(new Error('interrupted'));
        if (ERASE.has(char)) line = line.slice(0, -1);
        else line += char;
      }
    };
    stdin.on('data', onData);
  });
}
