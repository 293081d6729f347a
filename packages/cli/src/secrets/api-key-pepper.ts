import { assertStrongHmacSecret } from '@portcullis/core/keys';
import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';

/**
 * The API-key pepper from `API_KEY_PEPPER`, as the apps read it, checked the way they check it (32+ bytes,
 * no placeholder, enough entropy). Missing is exit 2; weak is exit 1; the value is never repeated.
 *
 * @example const pepper = apiKeyPepper(io.env);
 */
export function apiKeyPepper(env: NodeJS.ProcessEnv): string {
  const pepper = env['API_KEY_PEPPER']?.trim();
  if (pepper === undefined || pepper === '')
    throw new CliError(
      'missing_secret',
      'API_KEY_PEPPER is not set: API keys are hashed under the pepper the apps use; export the same value',
      EXIT.usage,
    );
  try {
    assertStrongHmacSecret(Buffer.from(pepper, 'utf8'));
  } catch (error) {
    throw new CliError('invalid_secret', `API_KEY_PEPPER: ${(error as Error).message}`, EXIT.refused);
  }
  return pepper;
}
