import type { CommandContext, CommandResult } from '../lib/command.js';
import { requiredFlag } from '../lib/flags.js';
import { withStore } from '../stores/open-store.js';
import { resolveStoreConfig } from '../stores/store-config.js';

/**
 * `mfa reset`: removes every second factor of a user — for an owner who lost their authenticator and their
 * recovery codes, after the operator has checked who is asking. The user signs in with the password alone
 * again and can enrol anew. Idempotent: a user without factors is reported, not refused.
 */
export async function mfaReset(context: CommandContext): Promise<CommandResult> {
  const config = resolveStoreConfig(context.values, context.io.env);
  const user = requiredFlag(context.values, 'user');
  return withStore(config, 'use', async (store) => {
    const had = (await store.mfa.getFactors(user)) !== null;
    await store.mfa.deleteFactors(user);
    return {
      json: { store: store.description, user, removed: had },
      text: had ? `removed every second factor of user ${user}` : `user ${user} had no second factor`,
    };
  });
}
