import { describe, expect, it } from 'vitest';
import { readyLines } from './try-lines.js';

const demo = (baseUrl: string) => ({
  baseUrl,
  storage: 'embedded PGlite',
  mailDelivery: 'written to the outbox',
});

describe('readyLines', () => {
  it('starts with the contract readiness line, and says how to try passkeys on an IP address', () => {
    const lines = readyLines('hono', demo('http://127.0.0.1:3000'));
    expect(lines[0]).toBe('portcullis hono demo listening on http://127.0.0.1:3000 (embedded PGlite)');
    expect(lines.at(-1)).toContain('HOST=localhost');
    expect(readyLines('hono', demo('http://[::1]:3000')).at(-1)).toContain('HOST=localhost');
  });

  it('says nothing about passkeys on a host name', () => {
    expect(readyLines('hono', demo('http://localhost:3000')).join('\n')).not.toContain('passkeys');
  });
});
