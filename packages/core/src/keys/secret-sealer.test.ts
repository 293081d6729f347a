import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateKeyEncryptionKey, importKeyEncryptionKey } from './key-encryption-key.js';
import { createSecretSealer, type SealedSecret, SealedSecretError } from './secret-sealer.js';

const KEK = generateKeyEncryptionKey();
const OTHER_KEK = generateKeyEncryptionKey();
const SECRET = 'pepper-9bXr2TqLmV7nK4sW8eYc1ZaH6gJ3dF5u';

function refusal(run: () => unknown): SealedSecretError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SealedSecretError);
    return error as SealedSecretError;
  }
  throw new Error('expected a refusal');
}

describe('key-encryption keys', () => {
  it.each([
    ['too short', randomBytes(16).toString('base64url')],
    ['too long', randomBytes(48).toString('base64url')],
    ['padded base64', `${randomBytes(32).toString('base64')}`],
    ['hex text', randomBytes(32).toString('hex')],
    ['a non-canonical last character (same bytes, other text)', nonCanonical(KEK)],
    ['31 bytes', randomBytes(31)],
    ['all zero bytes', new Uint8Array(32)],
    ['a counting pattern', Uint8Array.from({ length: 32 }, (_, i) => i % 8)],
    ['a number', 42],
  ])('refuses %s with a TypeError naming the option, never echoing it', (_label, value) => {
    let error: unknown;
    try {
      importKeyEncryptionKey(value, 'KEYRING_KEK');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /^portcullis: KEYRING_KEK: (must be 32 random bytes|has too little entropy)/,
    );
    expect((error as Error).message).toMatch(/randomBytes\(32\)/);
    if (typeof value === 'string') expect((error as Error).message).not.toContain(value);
  });

  it('accepts 32 random bytes as base64url text or bytes, and shows only its id when logged', () => {
    const bytes = randomBytes(32);
    const fromText = importKeyEncryptionKey(bytes.toString('base64url'));
    const fromBytes = importKeyEncryptionKey(bytes);
    expect(fromText.id).toBe(fromBytes.id);
    expect(fromText.id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    const shown = `${inspect(fromText, { showHidden: true, depth: 5 })} ${JSON.stringify(fromText)}`;
    expect(shown).not.toContain(bytes.toString('base64url'));
    expect(shown).not.toContain(bytes.toString('hex'));
    expect(shown).toContain(fromText.id);
  });
});

describe('sealed secrets', () => {
  it('round-trip, with a fresh IV each time and nothing of the secret in the envelope', () => {
    const sealer = createSecretSealer({ keyEncryptionKey: KEK });
    const a = sealer.seal(SECRET, 'app.pepper');
    const b = sealer.seal(SECRET, 'app.pepper');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(Buffer.from(a.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64url')).toHaveLength(16);
    expect(a).toMatchObject({ v: 'portcullis.sealed.v1', enc: 'A256GCM', kek: sealer.kekId });
    const stored = JSON.stringify(a);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(Buffer.from(SECRET).toString('base64url'));
    const opened = sealer.open(JSON.parse(stored), 'app.pepper');
    expect(opened.secret.toString('utf8')).toBe(SECRET);
    expect(opened.sealedUnderPreviousKey).toBe(false);
  });

  it('refuses an envelope opened for another context (a secret copied to another purpose)', () => {
    const sealer = createSecretSealer({ keyEncryptionKey: KEK });
    const sealed = sealer.seal(SECRET, 'portcullis.keyring.key:kid-a');
    expect(refusal(() => sealer.open(sealed, 'portcullis.keyring.key:kid-b')).reason).toBe('tampered');
  });

  it.each<[string, (s: SealedSecret) => unknown]>([
    ['a flipped ciphertext bit', (s) => ({ ...s, ct: flip(s.ct) })],
    ['a flipped tag bit', (s) => ({ ...s, tag: flip(s.tag) })],
    ['another IV', (s) => ({ ...s, iv: randomBytes(12).toString('base64url') })],
    ['a truncated tag', (s) => ({ ...s, tag: s.tag.slice(0, 10) })],
    ['an unknown version', (s) => ({ ...s, v: 'portcullis.sealed.v0' })],
    ['another cipher', (s) => ({ ...s, enc: 'A128GCM' })],
    ['a missing member', ({ iv: _iv, ...rest }) => rest],
    ['not an object', () => 'sealed'],
  ])('fails closed on %s', (_label, tamper) => {
    const sealer = createSecretSealer({ keyEncryptionKey: KEK });
    const error = refusal(() => sealer.open(tamper(sealer.seal(SECRET, 'ctx')), 'ctx'));
    expect(['tampered', 'malformed']).toContain(error.reason);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(KEK);
  });

  it('names the missing key-encryption key without trying others, and opens under a previous one', () => {
    const old = createSecretSealer({ keyEncryptionKey: OTHER_KEK });
    const sealed = old.seal(SECRET, 'ctx');
    const current = createSecretSealer({ keyEncryptionKey: KEK });
    const error = refusal(() => current.open(sealed, 'ctx'));
    expect(error.reason).toBe('unknown_key');
    expect(error.message).toContain(old.kekId);
    const rotated = createSecretSealer({ keyEncryptionKey: KEK, previousKeyEncryptionKeys: [OTHER_KEK] });
    const opened = rotated.open(sealed, 'ctx');
    expect(opened.secret.toString()).toBe(SECRET);
    expect(opened.sealedUnderPreviousKey).toBe(true);
    expect(rotated.seal(SECRET, 'ctx').kek).toBe(rotated.kekId);
  });

  it('refuses misuse at construction, naming the option', () => {
    expect(() => createSecretSealer({ keyEncryptionKey: 'short' })).toThrow(
      /^portcullis: keyEncryptionKey: must be 32 random bytes/,
    );
    expect(() => createSecretSealer({ keyEncryptionKey: KEK, previousKeyEncryptionKeys: ['short'] })).toThrow(
      /^portcullis: previousKeyEncryptionKeys\[0\]: must be 32 random bytes/,
    );
    const sealer = createSecretSealer({ keyEncryptionKey: KEK });
    expect(() => sealer.seal(SECRET, '')).toThrow(TypeError);
  });
});

function flip(value: string): string {
  const bytes = Buffer.from(value, 'base64url');
  bytes[0]! ^= 1;
  return bytes.toString('base64url');
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The 43rd character carries 2 unused bits: setting one spells the same 32 bytes differently. */
function nonCanonical(kek: string): string {
  const last = BASE64URL_ALPHABET.indexOf(kek[42]!);
  const spelled = `${kek.slice(0, 42)}${BASE64URL_ALPHABET[last + 1]}`;
  expect(Buffer.from(spelled, 'base64url').equals(Buffer.from(kek, 'base64url'))).toBe(true);
  return spelled;
}
