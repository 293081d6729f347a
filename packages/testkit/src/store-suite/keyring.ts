import { createKeyring } from '@portcullis/core';
import type { KeyringSnapshot } from '@portcullis/core/keys';
import { describe, expect, it } from 'vitest';
import type { StoreSuiteContext } from './context.js';

const snapshot = (revision: number, marker: string): KeyringSnapshot => ({
  format: 'portcullis.keyring.v1',
  revision,
  keys: [{ jwk: { kty: 'OKP', crv: 'Ed25519', x: marker, d: marker }, createdAt: 1, retiresAt: null }],
});

export function keyringSuite(ctx: StoreSuiteContext): void {
  describe('keyring', () => {
    it('saves by compare-and-set on the revision', async () => {
      const store = ctx.stores().keyring;
      expect(await store.load()).toBeNull();
      expect(await store.save(snapshot(1, 'a'), 0)).toBe(true);
      expect(await store.save(snapshot(1, 'b'), 0)).toBe(false);
      expect(await store.load()).toEqual(snapshot(1, 'a'));
      expect(await store.save(snapshot(2, 'c'), 2)).toBe(false);
      expect(await store.save(snapshot(2, 'c'), 1)).toBe(true);
      expect(await store.load()).toEqual(snapshot(2, 'c'));
    });

    it('lets exactly one of several concurrent writers win', async () => {
      const store = ctx.stores().keyring;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.save(snapshot(1, `w${i}`), 0)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('keeps generated keys across keyring instances (a restart)', async () => {
      const store = ctx.stores().keyring;
      const first = await createKeyring({ store });
      await first.rotate();
      const second = await createKeyring({ store });
      expect(second.current().kid).toBe(first.current().kid);
      expect(second.jwks()).toEqual(first.jwks());
    });
  });
}
