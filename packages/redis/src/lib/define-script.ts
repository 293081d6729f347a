import type { RedisClient } from './resolve-options.js';

/** Runs a Lua script: `keys` are the script's KEYS, `args` its ARGV. */
export type ScriptCall = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Registers a Lua script on the client with `defineCommand` (EVALSHA, falling back to EVAL when the server
 * has not cached it yet, e.g. after a restart) and returns a function that runs it. The command name carries
 * a version, so that two releases of this package sharing a client never run each other's scripts: V2 is the
 * layout in which a script touches only the keys it is given, all in one hash slot (Redis Cluster's rule).
 */
export function defineScript(
  redis: RedisClient,
  name: string,
  numberOfKeys: number,
  lua: string,
): ScriptCall {
  const command = `portcullisV2${name}`;
  redis.defineCommand(command, { numberOfKeys, lua });
  const client = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  return (keys, args) => {
    if (keys.length !== numberOfKeys) throw new TypeError(`${command}: expected ${numberOfKeys} keys`);
    return client[command]!(...keys, ...args);
  };
}
