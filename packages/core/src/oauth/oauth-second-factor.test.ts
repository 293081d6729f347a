import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../mfa/authentication-method.js';
import { bearer } from '../testing/auth.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  signInFixture,
  startTestProvider,
  type TestProvider,
  tokenCookiesSet,
} from '../testing/openid-provider.js';

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider();
});
afterAll(() => idp.close());

describe('OAuth sign-in of an account with a second factor', () => {
  it('sets no token cookie and sends the page an mfa_token in the fragment; the code finishes it with amr fed+otp', async () => {
    const fixture = await signInFixture({
      oidc: { issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    idp.loginAs = 'alice';
    const first = (await fixture.signIn()).result;
    expect(first.status).toBe(302);
    expect(first.headers['location']).toBe('/');
    const access = first.cookie('__Host-portcullis-access')!;
    expect(JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString())).toMatchObject({
      amr: ['fed'],
    });

    const started = await fixture.call('POST', '/auth/mfa/totp', { headers: bearer(access) });
    const totp = new TOTP({ secret: Secret.fromBase32((started.body as { secret: string }).secret) });
    const confirm = await fixture.call('POST', '/auth/mfa/totp/confirm', {
      headers: bearer(access),
      body: { code: totp.generate({ timestamp: fixture.clock() }) },
    });
    expect(confirm.status).toBe(200);

    const second = (await fixture.signIn()).result;
    expect(second.status).toBe(302);
    expect(tokenCookiesSet(second)).toEqual([]);
    const location = second.headers['location']!;
    expect(location).toMatch(/^\/#mfa_token=[\w-]{43}$/);
    expect(fixture.events.filter((e) => (e as { type: string }).type === 'login.succeeded')).toHaveLength(1);

    fixture.clock.advance(30);
    const done = await fixture.call('POST', '/auth/mfa/verify', {
      body: {
        mfa_token: location.slice('/#mfa_token='.length),
        code: totp.generate({ timestamp: fixture.clock() }),
      },
    });
    expect(done.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(
        (done.body as { access_token: string }).access_token.split('.')[1]!,
        'base64url',
      ).toString(),
    );
    expect(claims).toMatchObject({ amr: ['fed', 'otp'], acr: ACR_MFA });
    expect(fixture.events).toContainEqual({ type: 'login.succeeded', subject: claims.sub, method: 'oauth' });
  });
});
