import type { IdentityRecord } from '@portcullis/core/stores';
import type { Redis } from 'ioredis';
import { createRedisIdentityStore } from './identity-store.js';
import {
  isCluster,
  type RedisClient,
  type RedisStoresOptions,
  resolveOptions,
} from './lib/resolve-options.js';

/** What `migrateRedisIdentities` did. */
export interface IdentityMigration {
  /** Identities now in the current layout (linked by this run, or already there to the same user). */
  migrated: number;
  /** Old pairs left as they were because the current layout links the pair to another user. */
  conflicts: IdentityRecord[];
}

/**
 * Moves sign-in identities written by `@portcullis/redis` before Redis Cluster support
 * (`<prefix>id:pair:<digest>`, `<prefix>id:user:<userId>`) into the current layout, where the store reads
 * them, and deletes the old keys it moved. Run it once, with the same client options and prefix as the
 * stores, before or while the new version serves (the old keys are never read again); running it twice
 * does nothing the second time. An old pair whose `(issuer, subject)` the current layout already links to
 * another user is reported and left in place, for you to decide.
 *
 * API keys and the keyring kept their keys; refresh families, sessions and one-time tokens are not migrated
 * (they expire by themselves; users sign in again, mailed links are requested again).
 *
 * @example const { migrated, conflicts } = await migrateRedisIdentities(redis, { prefix: 'myapp:' });
 */
export async function migrateRedisIdentities(
  redis: RedisClient,
  options?: RedisStoresOptions,
): Promise<IdentityMigration> {
  const { prefix } = resolveOptions(redis, options, 'migrateRedisIdentities');
  const store = createRedisIdentityStore(redis, options);
  const result: IdentityMigration = { migrated: 0, conflicts: [] };
  for (const pairKey of await keysMatching(redis, `${prefix}id:pair:`)) {
    const fields = await redis.hgetall(pairKey);
    if (fields['userId'] === undefined) continue;
    const record: IdentityRecord = {
      issuer: fields['issuer'] ?? '',
      subject: fields['subject'] ?? '',
      userId: fields['userId'],
      provider: fields['provider'] ?? '',
      email: fields['email'] ?? '',
      createdAt: Number(fields['createdAt']),
    };
    const linked =
      (await store.link(record)) ||
      (await store.find(record.issuer, record.subject))?.userId === record.userId;
    if (!linked) {
      result.conflicts.push(record);
      continue;
    }
    await redis.del(pairKey);
    await redis.zrem(`${prefix}id:user:${record.userId}`, pairKey.slice(`${prefix}id:pair:`.length));
    result.migrated += 1;
  }
  return result;
}

/** The keys starting with `start`, on every server of the client, as key arguments (without its keyPrefix). */
async function keysMatching(redis: RedisClient, start: string): Promise<string[]> {
  const own = redis.options.keyPrefix ?? '';
  const pattern = `${(own + start).replace(/[*?[\]\\]/g, '\\$&')}*`;
  const servers: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys.map((key) => key.slice(own.length)));
    } while (cursor !== '0');
  }
  return found;
}
