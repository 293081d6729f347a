import { AuthError } from '@portcullis/core';
import { assertNoCredentialsInUrl } from '@portcullis/core/http';
import type { DemoAuth } from './create-demo-auth.js';
import { type Connection, plainHttpRefusal } from './https-only.js';
import { SAMPLE_REPORTS } from './reports.js';

/**
 * The contract's app routes and request guard, as plain functions each demo calls from its framework's
 * handlers: the frameworks differ in how they are wired, not in what they answer.
 */
export function demoRoutes(demo: Pick<DemoAuth, 'auth' | 'users' | 'config'>) {
  return {
    /** `GET /me` → `{id,email,role,email_verified}` of the authenticated subject. */
    async me(subject: string) {
      const user = await demo.users.findById(subject);
      if (user === null)
        throw new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer', reason: 'user_gone' });
      return { id: user.id, email: user.email, role: user.role, email_verified: user.emailVerified };
    },
    /** `GET /admin/stats` → `{users}`. */
    async stats() {
      return { users: await demo.users.count() };
    },
    /** `GET /service/reports` → `{reports, key_id}` for the API key that authenticated. */
    reports(keyId: string | undefined) {
      return { reports: SAMPLE_REPORTS, key_id: keyId };
    },
    /**
     * Runs first on every request: plain HTTP is refused in production, and a credential in the URL is
     * refused on every route, the static page included (the auth routes and middleware check it too).
     */
    guard(url: string, connection: Connection) {
      const plainHttp = plainHttpRefusal(demo.config, demo.auth.proxyTrust, connection);
      if (plainHttp) throw plainHttp;
      assertNoCredentialsInUrl(url);
    },
  };
}

/** Stops the server and closes the stores on SIGTERM or SIGINT, then exits. */
export function closeOnSignals(close: () => Promise<unknown>): void {
  const shutdown = async () => {
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
