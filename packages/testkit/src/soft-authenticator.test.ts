import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { createSoftAuthenticator, type SoftAuthenticatorOptions } from './soft-authenticator.js';

// The soft authenticator proven against the library the server side uses: every response it builds must pass
// @simplewebauthn/server's own verification, and each forgery its context allows must fail it.

const origin = 'https://app.example';
const rpID = 'app.example';

async function registered(options: SoftAuthenticatorOptions = {}) {
  const authenticator = createSoftAuthenticator(options);
  const creation = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'ada' });
  const response = authenticator.register(creation, { origin });
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: creation.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
  });
  if (!verification.verified) throw new Error('registration did not verify');
  const { credential } = verification.registrationInfo;
  return { authenticator, creation, response, verification, credential };
}

function verifyAssertion(
  response: Parameters<typeof verifyAuthenticationResponse>[0]['response'],
  expectedChallenge: string,
  credential: WebAuthnCredential,
) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
  });
}

describe('soft authenticator: registration', () => {
  it('builds an attestation "none" response that verifyRegistrationResponse accepts', async () => {
    const { authenticator, creation, response, verification } = await registered();
    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo!;
    expect(info.fmt).toBe('none');
    expect(info.userVerified).toBe(true);
    expect(info.credential.id).toBe(response.id);
    expect(info.credential.counter).toBe(0);
    expect(info.credential.transports).toEqual(['internal']);
    expect(info.origin).toBe(origin);
    expect(info.rpID).toBe(rpID);
    expect(authenticator.credentials).toEqual([
      { id: response.id, rpId: rpID, userHandle: creation.user.id, signCount: 0 },
    ]);
  });

  it('fails verification for a wrong origin, a wrong RP ID or another challenge', async () => {
    const authenticator = createSoftAuthenticator();
    const creation = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'ada' });
    const expected = { expectedChallenge: creation.challenge, expectedOrigin: origin, expectedRPID: rpID };

    const wrongOrigin = authenticator.register(creation, { origin: 'https://evil.example' });
    await expect(verifyRegistrationResponse({ response: wrongOrigin, ...expected })).rejects.toThrow(
      /unexpected .* origin "https:\/\/evil.example"/i,
    );

    const wrongRpId = authenticator.register(creation, { origin, rpId: 'evil.example' });
    await expect(verifyRegistrationResponse({ response: wrongRpId, ...expected })).rejects.toThrow(
      'Unexpected RP ID hash',
    );

    const other = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'ada' });
    const otherChallenge = authenticator.register(other, { origin });
    await expect(verifyRegistrationResponse({ response: otherChallenge, ...expected })).rejects.toThrow(
      /unexpected registration response challenge/i,
    );
  });

  it('leaves the UV flag off with userVerification: false', async () => {
    const authenticator = createSoftAuthenticator({ userVerification: false });
    const creation = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName: 'ada' });
    const response = authenticator.register(creation, { origin });
    const expected = { expectedChallenge: creation.challenge, expectedOrigin: origin, expectedRPID: rpID };
    await expect(verifyRegistrationResponse({ response, ...expected })).rejects.toThrow(
      'User verification was required',
    );
    const lenient = await verifyRegistrationResponse({
      response,
      ...expected,
      requireUserVerification: false,
    });
    expect(lenient.verified).toBe(true);
    expect(lenient.registrationInfo?.userVerified).toBe(false);
  });

  it('refuses, as a browser would, excluded credentials and keys other than ES256', async () => {
    const { authenticator, credential } = await registered();
    const again = await generateRegistrationOptions({
      rpName: 'Portcullis',
      rpID,
      userName: 'ada',
      excludeCredentials: [{ id: credential.id }],
    });
    expect(() => authenticator.register(again, { origin })).toThrow(
      expect.objectContaining({ name: 'InvalidStateError' }),
    );
    const rsaOnly = await generateRegistrationOptions({
      rpName: 'Portcullis',
      rpID,
      userName: 'ada',
      supportedAlgorithmIDs: [-257],
    });
    expect(() => authenticator.register(rsaOnly, { origin })).toThrow(
      expect.objectContaining({ name: 'NotSupportedError' }),
    );
  });
});

describe('soft authenticator: authentication', () => {
  it('signs assertions that verifyAuthenticationResponse accepts, counting up from 1', async () => {
    const { authenticator, creation, credential } = await registered();

    const first = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
    const response = authenticator.authenticate(first, { origin });
    expect(response.id).toBe(credential.id);
    expect(response.response.userHandle).toBe(creation.user.id);
    const verification = await verifyAssertion(response, first.challenge, credential);
    expect(verification.verified).toBe(true);
    expect(verification.authenticationInfo.newCounter).toBe(1);
    expect(verification.authenticationInfo.userVerified).toBe(true);

    // Discoverable: no allowCredentials, the authenticator picks its credential and names the user.
    const second = await generateAuthenticationOptions({ rpID });
    const discoverable = authenticator.authenticate(second, { origin });
    const again = await verifyAssertion(discoverable, second.challenge, { ...credential, counter: 1 });
    expect(again.verified).toBe(true);
    expect(again.authenticationInfo.newCounter).toBe(2);
    expect(authenticator.credentials[0]?.signCount).toBe(2);
  });

  it('fails verification for a wrong origin, a wrong RP ID or a replayed challenge', async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID });

    const wrongOrigin = authenticator.authenticate(options, { origin: 'https://evil.example' });
    await expect(verifyAssertion(wrongOrigin, options.challenge, credential)).rejects.toThrow(
      /unexpected .* origin "https:\/\/evil.example"/i,
    );

    const wrongRpId = authenticator.authenticate(options, { origin, rpId: 'evil.example' });
    await expect(verifyAssertion(wrongRpId, options.challenge, credential)).rejects.toThrow(
      'Unexpected RP ID hash',
    );

    const old = await generateAuthenticationOptions({ rpID });
    const replayed = authenticator.authenticate(options, { origin, challenge: old.challenge });
    await expect(verifyAssertion(replayed, options.challenge, credential)).rejects.toThrow(
      /unexpected authentication response challenge/i,
    );
  });

  it('forges a sign counter not above the stored one, which verification rejects', async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID });
    const stored = { ...credential, counter: 5 };

    const lower = authenticator.authenticate(options, { origin, signCount: 3 });
    await expect(verifyAssertion(lower, options.challenge, stored)).rejects.toThrow(
      'counter value 3 was lower',
    );
    const equal = authenticator.authenticate(options, { origin, signCount: 5 });
    await expect(verifyAssertion(equal, options.challenge, stored)).rejects.toThrow(
      'counter value 5 was lower',
    );

    // The forged count is kept: the next assertion counts on from it.
    expect(authenticator.credentials[0]?.signCount).toBe(5);
    const next = authenticator.authenticate(options, { origin });
    expect((await verifyAssertion(next, options.challenge, stored)).authenticationInfo.newCounter).toBe(6);
  });

  it('does not verify against another credential public key', async () => {
    const { authenticator } = await registered();
    const { credential: otherKey } = await registered();
    const options = await generateAuthenticationOptions({ rpID });
    const response = authenticator.authenticate(options, { origin });
    const verification = await verifyAssertion(response, options.challenge, { ...otherKey, id: response.id });
    expect(verification.verified).toBe(false);
  });

  it('chooses the credential by allowCredentials or credentialId, and refuses when none fits', async () => {
    const authenticator = createSoftAuthenticator();
    const ids: string[] = [];
    for (const userName of ['ada', 'grace']) {
      const creation = await generateRegistrationOptions({ rpName: 'Portcullis', rpID, userName });
      ids.push(authenticator.register(creation, { origin }).id);
    }
    const [ada, grace] = ids as [string, string];
    const options = await generateAuthenticationOptions({ rpID });
    expect(authenticator.authenticate(options, { origin }).id).toBe(ada);
    expect(authenticator.authenticate(options, { origin, credentialId: grace }).id).toBe(grace);
    const onlyGrace = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: grace }] });
    expect(authenticator.authenticate(onlyGrace, { origin }).id).toBe(grace);
    expect(() => authenticator.authenticate(onlyGrace, { origin, credentialId: ada })).toThrow(
      expect.objectContaining({ name: 'NotAllowedError' }),
    );
    expect(authenticator.credentials.map((credential) => credential.signCount)).toEqual([1, 2]);
  });
});
