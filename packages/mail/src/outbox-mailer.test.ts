import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MailDeliveryError } from './errors.js';
import { OUTBOX_FILE_NAME } from './outbox-file-name.js';
import { createOutboxMailer } from './outbox-mailer.js';
import { expectNoSecrets, LINK, verificationMessage } from './testing/messages.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-outbox-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(root, { recursive: true, force: true });
});

const emlFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.eml')).sort();

describe('createOutboxMailer', () => {
  it('writes one .eml file per message, which a mail parser reads back whole', async () => {
    const dir = join(root, 'nested', 'outbox');
    const outbox = createOutboxMailer({ dir, from: 'portcullis demo <no-reply@localhost>' });
    expect(outbox.dir).toBe(dir);
    const file = await outbox.write(verificationMessage());

    expect(await emlFiles(dir)).toEqual([file.slice(dir.length + 1)]);
    expect(file).toMatch(/\/\d{8}T\d{9}Z-000000-[0-9a-f]{8}-verify_email\.eml$/);
    const raw = await readFile(file);
    expect(raw.toString('latin1')).toMatch(/\r\n\r\n/); // CRLF line ends, as RFC 5322 has them
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name: 'portcullis demo', address: 'no-reply@localhost' }]);
    expect(parsed.to).toMatchObject({ value: [{ name: 'Zoë Ångström', address: 'zoe@example.com' }] });
    expect(parsed.subject).toBe('Bestätige deine Adresse, Zoë');
    expect(parsed.text).toBe(verificationMessage().text);
    expect(parsed.html).toContain(`<a href="${LINK}">Adresse bestätigen ✓</a>`);
    expect(parsed.messageId).toMatch(/^<.+@.+>$/);
    expect(parsed.date).toBeInstanceOf(Date);
  });

  it('makes the directory 0o700 and every file 0o600, and leaves no temporary file', async () => {
    const dir = join(root, 'outbox');
    const outbox = createOutboxMailer({ dir });
    await Promise.all(Array.from({ length: 5 }, () => outbox.send(verificationMessage())));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const names = await readdir(dir);
    expect(names).toHaveLength(5);
    for (const name of names) {
      expect(name).toMatch(OUTBOX_FILE_NAME);
      expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
    }
  });

  it('names sort in the order of the sends, across a burst of 50 in the same milliseconds', async () => {
    const outbox = createOutboxMailer({ dir: root });
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        outbox.send(verificationMessage({ subject: `message ${index}` })),
      ),
    );
    const names = await emlFiles(root);
    expect(names).toHaveLength(50);
    // 50 sends fit in a few milliseconds: several share one, and the sequence orders them.
    expect(new Set(names.map((name) => name.slice(0, 19))).size).toBeLessThan(50);
    const subjects = [];
    for (const name of names) subjects.push((await simpleParser(await readFile(join(root, name)))).subject);
    expect(subjects).toEqual(Array.from({ length: 50 }, (_, index) => `message ${index}`));
  });

  it('keeps names in order when the clock steps back', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-05T07:14:00.123Z') });
    vi.resetModules(); // a fresh sequence, as in a new process
    const outbox = (await import('./outbox-mailer.js')).createOutboxMailer({ dir: root });
    await outbox.send(verificationMessage({ subject: 'first' }));
    vi.setSystemTime(new Date('2026-12-05T07:13:00.000Z'));
    await outbox.send(verificationMessage({ subject: 'second' }));
    const names = await emlFiles(root);
    expect(names.map((name) => name.slice(0, 26))).toEqual([
      '20261205T071400123Z-000000',
      '20261205T071400123Z-000001',
    ]);
    expect((await simpleParser(await readFile(join(root, names[1]!)))).subject).toBe('second');
  });

  it('two writers on one directory never collide, even with the same clock and sequence', async () => {
    // Two fresh copies of the module are two processes: each has its own sequence, starting at 0.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-05T07:14:00.123Z') });
    vi.resetModules();
    const first = (await import('./outbox-mailer.js')).createOutboxMailer({ dir: root });
    vi.resetModules();
    const second = (await import('./outbox-mailer.js')).createOutboxMailer({ dir: root });
    await Promise.all(
      Array.from({ length: 25 }, (_, index) => [
        first.send(verificationMessage({ subject: `first ${index}` })),
        second.send(verificationMessage({ subject: `second ${index}` })),
      ]).flat(),
    );
    const names = await emlFiles(root);
    expect(names).toHaveLength(50);
    // Same millisecond, same sequence numbers: only the writer's tag tells them apart.
    expect(new Set(names.map((name) => name.slice(0, 26))).size).toBe(25);
    expect(new Set(names.map((name) => name.split('-')[2])).size).toBe(2);
  });

  it('prunes the oldest outbox files beyond maxFiles, and nothing else', async () => {
    await writeFile(join(root, 'README.txt'), 'not mail');
    await writeFile(join(root, '00000000T000000000Z-notes.eml'), 'not an outbox name');
    const outbox = createOutboxMailer({ dir: root, maxFiles: 5 });
    for (let index = 0; index < 8; index++)
      await outbox.send(verificationMessage({ subject: `message ${index}` }));
    const names = (await readdir(root)).filter((name) => OUTBOX_FILE_NAME.test(name)).sort();
    expect(names).toHaveLength(5);
    const subjects = [];
    for (const name of names) subjects.push((await simpleParser(await readFile(join(root, name)))).subject);
    expect(subjects).toEqual(['message 3', 'message 4', 'message 5', 'message 6', 'message 7']);
    expect(await readdir(root)).toEqual(
      expect.arrayContaining(['README.txt', '00000000T000000000Z-notes.eml']),
    );
  });

  it('keeps exactly maxFiles under concurrent sends', async () => {
    const outbox = createOutboxMailer({ dir: root, maxFiles: 10 });
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        outbox.send(verificationMessage({ subject: `message ${index}` })),
      ),
    );
    const names = await emlFiles(root);
    expect(names).toHaveLength(10);
    const subjects = [];
    for (const name of names) subjects.push((await simpleParser(await readFile(join(root, name)))).subject);
    expect(subjects).toEqual(Array.from({ length: 10 }, (_, index) => `message ${30 + index}`));
  });

  it('rejects with a MailDeliveryError that names the failure, not the message, when it cannot write', async () => {
    const blocked = join(root, 'blocked');
    await writeFile(blocked, 'a file where the directory should be');
    const error = await createOutboxMailer({ dir: join(blocked, 'outbox') })
      .send(verificationMessage())
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as MailDeliveryError).kind).toBe('outbox_write_failed');
    expect((error as Error).message).toMatch(/could not write the outbox file \((ENOTDIR|EEXIST)\)/);
    expectNoSecrets(error);
  });

  it('refuses a malformed message or option with a TypeError', async () => {
    const outbox = createOutboxMailer({ dir: root });
    await expect(outbox.send(verificationMessage({ to: 'a@example.com, b@example.com' }))).rejects.toThrow(
      TypeError,
    );
    await expect(outbox.send(verificationMessage({ kind: '../escape' as 'verify_email' }))).rejects.toThrow(
      /^portcullis: send\(message\)\.kind: must be a lower-case identifier/,
    );
    expect(await readdir(root)).toEqual([]);
    expect(() => createOutboxMailer({ dir: '' })).toThrow(
      /^portcullis: createOutboxMailer\.dir: must be a non-empty path;/,
    );
    expect(() => createOutboxMailer({ dir: root, maxFiles: 0 })).toThrow(
      /^portcullis: createOutboxMailer\.maxFiles: must be an integer from 1/,
    );
    expect(() => createOutboxMailer({ dir: root, maxFiles: 2.5 })).toThrow(
      /^portcullis: createOutboxMailer\.maxFiles: must be an integer from 1/,
    );
    expect(() => createOutboxMailer({ dir: root, from: 'nobody' })).toThrow(
      /^portcullis: createOutboxMailer\.from: must be exactly one/,
    );
  });
});
