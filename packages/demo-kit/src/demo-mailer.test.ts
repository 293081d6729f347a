import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoMailer } from './demo-mailer.js';
import { readDemoConfig } from './env.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'demo-mailer-'));
  dirs.push(dir);
  return dir;
}

describe('createDemoMailer', () => {
  it('refuses to start in production without SMTP_URL', () => {
    const config = readDemoConfig('hono', { NODE_ENV: 'production', DATA_DIR: dataDir() });
    expect(() => createDemoMailer(config)).toThrow(/^SMTP_URL is required when NODE_ENV=production/);
  });

  it('never echoes SMTP_URL (it holds a password) when refusing it', () => {
    for (const url of ['http://mailer:hunter2-secret@127.0.0.1:25', 'smtp//mailer:hunter2-secret@host']) {
      const config = readDemoConfig('hono', { SMTP_URL: url, DATA_DIR: dataDir() });
      let message = '';
      try {
        createDemoMailer(config);
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(/SMTP_URL/);
      expect(message).not.toContain('hunter2');
    }
  });

  it('uses SMTP when SMTP_URL is set, in production too, and names only its host', () => {
    const config = readDemoConfig('hono', {
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mailer:hunter2-secret@127.0.0.1:2525',
      DATA_DIR: dataDir(),
    });
    const { delivery } = createDemoMailer(config);
    expect(delivery).toBe('SMTP via 127.0.0.1:2525');
  });

  it('writes each message as an .eml file to DATA_DIR/outbox/ in development, from MAIL_FROM', async () => {
    const dir = dataDir();
    const config = readDemoConfig('hono', { DATA_DIR: dir, MAIL_FROM: 'Demo <demo@example.com>' });
    const { mailer, delivery } = createDemoMailer(config);
    expect(delivery).toBe(`written to ${join(dir, 'outbox')}`);
    await mailer.send({
      to: 'someone@example.com',
      kind: 'verify_email',
      subject: 'Confirm',
      text: 'Open http://127.0.0.1/#verify-email=abc',
      html: '<p>Open</p>',
    });
    const files = readdirSync(join(dir, 'outbox'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const eml = readFileSync(join(dir, 'outbox', files[0]!), 'utf8');
    expect(eml).toMatch(/^From: .*demo@example\.com/im);
    expect(eml).toMatch(/^To: .*someone@example\.com/im);
  });
});
