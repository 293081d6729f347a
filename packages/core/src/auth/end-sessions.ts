import type { ApiKeyView } from '../apikeys/api-key-view.js';
import type { AuthParts } from './auth-parts.js';

/**
 * "Log out everywhere": every refresh family, server-side session and access token of a user issued before
 * now. Access tokens are denied through their family as well as by time, since `iat` has one-second precision.
 */
export async function endEverySession(parts: AuthParts, subject: string): Promise<void> {
  const families = await parts.refreshTokens.revokeSubject(subject);
  await Promise.all(families.map((id) => parts.revocations.revokeSession(id)));
  await parts.revocations.revokeSubject(subject);
  await parts.sessions.destroyAll(subject);
}

/** The API keys of a user that still work (neither revoked nor expired). */
export async function liveApiKeys(parts: AuthParts, subject: string): Promise<ApiKeyView[]> {
  const now = parts.clock();
  return (await parts.apiKeys.list(subject)).filter(
    (key) => key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > now),
  );
}

/** Revokes every live API key of a user; resolves how many there were. */
export async function revokeEveryApiKey(parts: AuthParts, subject: string): Promise<number> {
  const live = await liveApiKeys(parts, subject);
  for (const key of live) await parts.apiKeys.revoke(subject, key.id);
  return live.length;
}
