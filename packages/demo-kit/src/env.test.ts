import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDemoConfig } from './env.js';

describe('readDemoConfig: account mail and registration (contract v2)', () => {
  it('defaults to open registration, the outbox in DATA_DIR/outbox and the contract sender', () => {
    const config = readDemoConfig('hono', { DATA_DIR: 'some/dir' });
    expect(config.registration).toBe('open');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.mailFrom).toBe('portcullis demo <no-reply@localhost>');
    expect(config.outboxDir).toBe(join(resolve('some/dir'), 'outbox'));
  });

  it('reads REGISTRATION=closed, SMTP_URL and MAIL_FROM', () => {
    const config = readDemoConfig('hono', {
      REGISTRATION: 'closed',
      SMTP_URL: ' smtp://127.0.0.1:2525 ',
      MAIL_FROM: 'Reports <reports@example.com>',
    });
    expect(config.registration).toBe('closed');
    expect(config.smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(config.mailFrom).toBe('Reports <reports@example.com>');
  });

  it('refuses a REGISTRATION other than open or closed, naming the variable', () => {
    for (const value of ['Open', 'yes', 'invite'])
      expect(() => readDemoConfig('hono', { REGISTRATION: value })).toThrow(
        /^REGISTRATION must be "open" or "closed"/,
      );
  });
});

describe('readDemoConfig: TRUST_PROXY (contract v2)', () => {
  it('is a number of proxies, 0 by default', () => {
    expect(readDemoConfig('hono', {}).trustProxy).toBe(0);
    expect(readDemoConfig('hono', { TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readDemoConfig('hono', { TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('refuses anything but a whole number, naming the variable', () => {
    for (const value of ['true', 'yes', '-1', '1.5'])
      expect(() => readDemoConfig('hono', { TRUST_PROXY: value })).toThrow(/^TRUST_PROXY must be an integer/);
  });
});
