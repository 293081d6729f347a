import type * as SimpleWebAuthn from '@simplewebauthn/server';
import { AuthError } from '../errors/auth-error.js';
import type { StoredPasskey } from './factor-document.js';

type Library = typeof SimpleWebAuthn;
let library: Promise<Library> | undefined;

/**
 * `@simplewebauthn/server`, imported at the first ceremony: an app without passkeys never loads it. Where it
 * cannot load, every passkey route answers 503 with reason `webauthn_unavailable`.
 */
function load(): Promise<Library> {
  library ??= import('@simplewebauthn/server').catch((cause: unknown) => {
    library = undefined;
    throw new AuthError('temporarily_unavailable', 'Service temporarily unavailable', {
      reason: 'webauthn_unavailable',
      cause,
    });
  });
  return library;
}

/** The relying party: who the passkeys are for, and which origins may use them. */
export interface RelyingParty {
  readonly name: string;
  /** The RP ID: the app's host name (or a registrable suffix of it). */
  readonly id: string;
  readonly origins: readonly string[];
}

/** A verified registration, ready to store. */
export type NewPasskey = Omit<StoredPasskey, 'name' | 'createdAt' | 'lastUsedAt'>;

function descriptors(passkeys: readonly StoredPasskey[]) {
  return passkeys.map((passkey) => ({
    id: passkey.id,
    transports: passkey.transports as SimpleWebAuthn.AuthenticatorTransportFuture[],
  }));
}

/** `PublicKeyCredentialCreationOptionsJSON` for a new discoverable passkey of `user`. */
export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; email: string },
  existing: readonly StoredPasskey[],
): Promise<Record<string, unknown> & { challenge: string }> {
  const { generateRegistrationOptions } = await load();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: descriptors(existing),
    // Discoverable, so that the same passkey also signs in without a password.
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  return options as unknown as Record<string, unknown> & { challenge: string };
}

/** Verifies a registration response for `challenge`: its origin, RP ID, challenge and attestation. */
export async function verifyRegistration(
  rp: RelyingParty,
  response: unknown,
  challenge: string,
): Promise<NewPasskey | undefined> {
  const { verifyRegistrationResponse } = await load();
  try {
    const { verified, registrationInfo } = await verifyRegistrationResponse({
      response: response as SimpleWebAuthn.RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
    if (!verified || registrationInfo === undefined) return undefined;
    const { credential } = registrationInfo;
    return {
      id: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: [...(credential.transports ?? [])],
      deviceType: registrationInfo.credentialDeviceType,
      backedUp: registrationInfo.credentialBackedUp,
    };
  } catch {
    // The library throws for every malformed or mismatching response: each is a refusal, not a fault.
    return undefined;
  }
}

/** `PublicKeyCredentialRequestOptionsJSON`: for `passkeys` (a second factor), or any discoverable one. */
export async function authenticationOptions(
  rp: RelyingParty,
  passkeys: readonly StoredPasskey[] | undefined,
): Promise<Record<string, unknown> & { challenge: string }> {
  const { generateAuthenticationOptions } = await load();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'preferred',
    ...(passkeys === undefined ? {} : { allowCredentials: descriptors(passkeys) }),
  });
  return options as unknown as Record<string, unknown> & { challenge: string };
}

/** The credential id and user handle an assertion claims, before it is verified. */
export function claimedCredential(
  response: unknown,
): { id: string; userHandle: string | undefined } | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const { id, response: inner } = response as { id?: unknown; response?: { userHandle?: unknown } };
  if (typeof id !== 'string' || id.length === 0 || id.length > 1366) return undefined;
  const userHandle = typeof inner === 'object' && inner !== null ? inner.userHandle : undefined;
  return { id, userHandle: typeof userHandle === 'string' ? userHandle : undefined };
}

/**
 * Verifies an assertion by `passkey` for `challenge`: origin, RP ID, challenge, signature, and a sign count
 * that moved forward (the library refuses one that did not, unless both are 0: the authenticator keeps none).
 */
export async function verifyAssertion(
  rp: RelyingParty,
  response: unknown,
  challenge: string,
  passkey: StoredPasskey,
  requireUserVerification: boolean,
): Promise<{ newCounter: number; userVerified: boolean } | undefined> {
  const { verifyAuthenticationResponse } = await load();
  try {
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response: response as SimpleWebAuthn.AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: [...rp.origins],
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: passkey.transports as SimpleWebAuthn.AuthenticatorTransportFuture[],
      },
      requireUserVerification,
    });
    if (!verified) return undefined;
    return { newCounter: authenticationInfo.newCounter, userVerified: authenticationInfo.userVerified };
  } catch {
    return undefined;
  }
}
