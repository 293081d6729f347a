import { describe, expect, it } from 'vitest';
import { readDemoConfig } from './env.js';

const SECRET = 'Zk3vQ9mW2xLp7bN4cR8tY1hJ6gF5dS0aEu-Ti_Ko3Mq';

describe('readDemoConfig: OAUTH_CLIENTS', () => {
  it('is empty by default: no demo client, so the /oauth routes are not served', () => {
    expect(readDemoConfig('hono', {}).oauthClients).toEqual([]);
  });

  it('reads id:secret:scopes[|grants], comma-separated; scopes keep their colons', () => {
    const clients = readDemoConfig('hono', {
      OAUTH_CLIENTS: ` reports:${SECRET}:reports:read reports:write , rs:${SECRET}:|introspection revocation`,
    }).oauthClients;
    expect(clients).toEqual([
      {
        id: 'reports',
        secret: SECRET,
        scopes: ['reports:read', 'reports:write'],
        grants: ['client_credentials'],
      },
      { id: 'rs', secret: SECRET, scopes: [], grants: ['introspection', 'revocation'] },
    ]);
    expect(readDemoConfig('hono', { OAUTH_CLIENTS: `svc:${SECRET}` }).oauthClients[0]).toMatchObject({
      scopes: [],
      grants: ['client_credentials'],
    });
  });

  it('refuses a malformed entry by its position, never echoing the secret', () => {
    for (const value of [`:${SECRET}:x`, 'svc', `svc:${SECRET}:x|password`, `a:${SECRET}:x,svc::x`]) {
      let message = '';
      try {
        readDemoConfig('hono', { OAUTH_CLIENTS: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^OAUTH_CLIENTS entry \d must be id:secret:scopes\[\|grants\]/);
      expect(message).not.toContain(SECRET.slice(0, 12));
    }
  });
});
