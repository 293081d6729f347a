import type { CommandContext, CommandResult } from '../lib/command.js';
import { withStore } from '../stores/open-store.js';
import { resolveStoreConfig } from '../stores/store-config.js';

/**
 * `migrate`: creates or upgrades the store's tables (PostgreSQL, PGlite) or moves Redis identities to the
 * current layout. Safe to run again: an up-to-date store is left as it is.
 */
export async function migrateStore(context: CommandContext): Promise<CommandResult> {
  const config = resolveStoreConfig(context.values, context.io.env);
  return withStore(config, 'migrate', async (store) => {
    const result = await store.migrate();
    const applied = result['applied'];
    let text: string;
    if (Array.isArray(applied))
      text =
        applied.length === 0
          ? `up to date at version ${result['version']}, ${store.description}`
          : `applied migrations ${applied.join(', ')}; now at version ${result['version']}, ${store.description}`;
    else
      text = `moved ${result['migratedIdentities']} identities (${result['identityConflicts']} conflicts left in place), ${store.description}`;
    return { json: { store: store.description, ...result }, text };
  });
}
