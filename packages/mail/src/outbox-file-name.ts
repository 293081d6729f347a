import { randomBytes } from 'node:crypto';

/**
 * `20261205T071400123Z-000042-3f9a1c2b-verify_email.eml`: UTC time to the millisecond, a sequence number
 * within that millisecond, the writer's random tag, and the message kind. Only files of this shape are ever
 * pruned from an outbox.
 */
export const OUTBOX_FILE_NAME = /^\d{8}T\d{9}Z-\d{6}-[0-9a-f]{8}-[a-z][a-z0-9_]*\.eml$/;

// Shared by every outbox in this process (not per mailer), so that two mailers writing one directory still
// get names in the order of their sends.
let lastMillisecond = 0;
let sequence = 0;

/**
 * The next name for a message: names sort by the time of the call, also for many calls in one millisecond
 * (the sequence) and when the clock steps back (the time never goes below the last one used). `tag` keeps
 * two writers — two processes, or two containers sharing a volume — from ever producing the same name.
 */
export function nextOutboxFileName(tag: string, kind: string): string {
  const now = Math.max(Date.now(), lastMillisecond);
  if (now === lastMillisecond) {
    sequence += 1;
  } else {
    lastMillisecond = now;
    sequence = 0;
  }
  // A million names in one millisecond is not possible; if it were, move on to the next one.
  if (sequence > 999_999) {
    lastMillisecond += 1;
    sequence = 0;
  }
  const time = new Date(lastMillisecond).toISOString().replace(/[-:.]/g, '');
  return `${time}-${String(sequence).padStart(6, '0')}-${tag}-${kind}.eml`;
}

/** A random tag for one outbox writer: 32 bits, eight hex digits. */
export function newWriterTag(): string {
  return randomBytes(4).toString('hex');
}
