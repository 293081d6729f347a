import { describe, expect, it } from 'vitest';
import { normalizeOrigin } from './origin.js';

describe('normalizeOrigin', () => {
  it.each([
    ['https://app.example', 'https://app.example'],
    ['https://app.example/', 'https://app.example'],
    ['HTTPS://APP.Example', 'https://app.example'],
    ['https://app.example:443', 'https://app.example'],
    ['http://app.example:80', 'http://app.example'],
    ['https://app.example:8443', 'https://app.example:8443'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });

  it.each([
    'null',
    '',
    'app.example',
    '//app.example',
    'https:app.example',
    'ftp://app.example',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://app.example/path',
    'https://app.example//',
    'https://app.example/.',
    'https://app.example?',
    'https://app.example?x=1',
    'https://app.example#',
    'https://user@app.example',
    'https://user:pw@app.example',
    'https://app.example\\',
    ' https://app.example',
    'https://app.example ',
    'https://app.example:99999',
    'https://',
    `https://${'a'.repeat(2048)}.example`,
  ])('refuses %j', (input) => {
    expect(normalizeOrigin(input)).toBeNull();
  });

  it('refuses non-strings', () => {
    expect(normalizeOrigin(undefined as unknown as string)).toBeNull();
    expect(normalizeOrigin(['https://app.example'] as unknown as string)).toBeNull();
  });
});
