import { expect } from 'vitest';
import type { Reply } from './client.js';

export function expectSecurityHeaders(reply: Reply) {
  expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
  expect(reply.headers.get('x-frame-options')).toBe('DENY');
  expect(reply.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
  expect(reply.headers.get('x-powered-by')).toBeNull();
}

export function expectError(reply: Reply, status: number, code: string, description?: string) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.json['error']).toBe(code);
  expect(typeof reply.json['error_description']).toBe('string');
  if (description !== undefined) expect(reply.json['error_description']).toBe(description);
  expectSecurityHeaders(reply);
}
