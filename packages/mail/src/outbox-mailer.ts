import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Mailer, MailMessage } from '@portcullis/core';
import { optionError } from '@portcullis/core/adapter';
import { createTransport } from 'nodemailer';
import { isSingleMailbox } from './address.js';
import { MailDeliveryError } from './errors.js';
import { assertMailMessage, toNodemailerMessage } from './message.js';
import { newWriterTag, nextOutboxFileName, OUTBOX_FILE_NAME } from './outbox-file-name.js';
import { toDeliveryError } from './smtp-errors.js';

/** Options of `createOutboxMailer`. */
export interface OutboxMailerOptions {
  /** Directory of the `.eml` files; created (mode 0o700) if missing. */
  readonly dir: string;
  /** The sender. Default `portcullis <no-reply@localhost>`. */
  readonly from?: string;
  /**
   * Most files kept: after each write, the oldest outbox files beyond this are deleted, so a long-running
   * development server cannot fill the disk. Default 1000. Files not named by an outbox are never touched.
   */
  readonly maxFiles?: number;
}

/** A `Mailer` that writes each message to a file. */
export interface OutboxMailer extends Mailer {
  /** The absolute path of the outbox directory. */
  readonly dir: string;
  /** Resolves once the message's `.eml` file is in the outbox. */
  send(message: MailMessage): Promise<void>;
  /** `send`, resolving with the absolute path of the file written (to log it, or for a test to read). */
  write(message: MailMessage): Promise<string>;
}

const DEFAULT_FROM = 'portcullis <no-reply@localhost>';
const DEFAULT_MAX_FILES = 1000;
const MAX_MAX_FILES = 1_000_000;

function resolveOutboxOptions(options: OutboxMailerOptions) {
  if (typeof options !== 'object' || options === null) {
    throw optionError(
      'createOutboxMailer(options)',
      'must be an object',
      "pass { dir }, such as { dir: '.outbox' }",
    );
  }
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw optionError(
      'createOutboxMailer.dir',
      'must be a non-empty path',
      "pass a directory, such as '.outbox'",
    );
  }
  const from = options.from ?? DEFAULT_FROM;
  if (!isSingleMailbox(from)) {
    throw optionError(
      'createOutboxMailer.from',
      'must be exactly one e-mail address',
      'pass one, such as "Example <no-reply@localhost>", or omit it',
    );
  }
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > MAX_MAX_FILES) {
    throw optionError(
      'createOutboxMailer.maxFiles',
      `must be an integer from 1 to ${MAX_MAX_FILES}`,
      `omit it for ${DEFAULT_MAX_FILES}`,
    );
  }
  return { dir: resolve(options.dir), from, maxFiles };
}

/**
 * A development `Mailer` that delivers nothing: each message becomes one RFC 5322 `.eml` file in `dir`
 * (open it with any mail client), built by nodemailer exactly as the SMTP mailer would send it. Files are
 * written whole or not at all (a temporary file, then a rename), readable by their owner only (0o600), and
 * named so that sorting the names sorts the messages by time. At most `maxFiles` are kept.
 *
 * The files hold working one-time links: use this in development and tests only.
 *
 * @example
 * const mailer = createOutboxMailer({ dir: '.data/outbox' });
 * const file = await mailer.write(message); // .data/outbox/20261205T071400123Z-000000-3f9a1c2b-verify_email.eml
 */
export function createOutboxMailer(options: OutboxMailerOptions): OutboxMailer {
  const { dir, from, maxFiles } = resolveOutboxOptions(options);
  const tag = newWriterTag();
  const target = `outbox ${dir}`;
  const composer = createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
    maxRecipients: 1,
  });
  let temporaries = 0;

  async function writeFile(name: string, raw: Buffer): Promise<string> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // A dot file, so that nothing reading the outbox (or pruning it) sees a half-written message.
    const temporary = join(dir, `.${tag}-${temporaries++}.eml.partial`);
    const file = join(dir, name);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(raw);
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return file;
  }

  async function prune(): Promise<void> {
    const names = (await readdir(dir)).filter((name) => OUTBOX_FILE_NAME.test(name)).sort();
    const excess = names.slice(0, Math.max(0, names.length - maxFiles));
    // Another writer may be pruning the same files: one already gone is fine.
    await Promise.all(excess.map((name) => unlink(join(dir, name)).catch(() => undefined)));
  }

  async function write(message: MailMessage): Promise<string> {
    assertMailMessage(message);
    // Named before anything is awaited, so that the names follow the order of the calls.
    const name = nextOutboxFileName(tag, message.kind);
    let raw: Buffer;
    try {
      const built = await composer.sendMail(toNodemailerMessage(message, from));
      if (!Buffer.isBuffer(built.message)) throw new TypeError('expected a buffer');
      raw = built.message;
    } catch (error) {
      throw toDeliveryError(error, { target, mailKind: message.kind });
    }
    let file: string;
    try {
      file = await writeFile(name, raw);
      await prune();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      throw new MailDeliveryError('outbox_write_failed', {
        target,
        mailKind: message.kind,
        detail: typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? `(${code})` : undefined,
      });
    }
    return file;
  }

  return {
    dir,
    write,
    async send(message) {
      await write(message);
    },
  };
}
