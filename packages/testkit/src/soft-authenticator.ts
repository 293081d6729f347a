import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

// A software WebAuthn authenticator (and the browser half of the ceremony) for HTTP-level tests: it turns the
// options JSON a server built with @simplewebauthn/server sends into the response JSON a browser would post
// back, with real ES256 (P-256) keys and signatures, attestation "none". Credentials are discoverable and live
// in memory for the authenticator's lifetime. The context of each call can forge what a real client would not
// (another origin, RP ID, challenge or a lower sign counter), so tests can prove the server rejects it.

/** How the soft authenticator behaves. */
export interface SoftAuthenticatorOptions {
  /** Whether it reports user verification (the UV flag) in its responses; default `true`. */
  userVerification?: boolean;
}

/** What `register` reads from `PublicKeyCredentialCreationOptionsJSON` (as `generateRegistrationOptions` returns). */
export interface SoftCreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: ReadonlyArray<{ alg: number; type: string }>;
  excludeCredentials?: ReadonlyArray<{ id: string }>;
}

/** What `authenticate` reads from `PublicKeyCredentialRequestOptionsJSON` (as `generateAuthenticationOptions` returns). */
export interface SoftRequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: ReadonlyArray<{ id: string }>;
}

/** The client side of `navigator.credentials.create()`. */
export interface SoftRegistrationContext {
  /** The origin the page runs at, written into clientDataJSON. */
  origin: string;
  /** The RP ID hashed into authenticatorData; default the options' `rp.id`, else the origin's host. */
  rpId?: string;
}

/** The client side of `navigator.credentials.get()`, with overrides that forge a bad assertion. */
export interface SoftAuthenticationContext {
  /** The origin the page runs at, written into clientDataJSON. */
  origin: string;
  /**
   * The RP ID hashed into authenticatorData; default the options' `rpId`, else the one registered with.
   * Credentials are not picked by RP ID, so a wrong one here forges an assertion for another relying party.
   */
  rpId?: string;
  /** Which stored credential signs; default the first stored one that `allowCredentials` permits. */
  credentialId?: string;
  /** The sign counter to report (and keep) instead of the stored one plus 1: a lower one forges a clone. */
  signCount?: number;
  /** A challenge to sign instead of the options' own: an old one replays a past ceremony. */
  challenge?: string;
}

/** A credential the soft authenticator holds. */
export interface SoftCredential {
  /** The credential ID, base64url. */
  readonly id: string;
  /** The RP ID it was registered with. */
  readonly rpId: string;
  /** The user handle (the creation options' `user.id`), base64url. */
  readonly userHandle: string;
  /** The sign counter its last response reported (0 after registration). */
  readonly signCount: number;
}

/** Shaped as @simplewebauthn's `RegistrationResponseJSON`, what a browser posts after `create()`. */
export interface SoftRegistrationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  authenticatorAttachment: 'platform';
  clientExtensionResults: Record<string, never>;
  response: {
    clientDataJSON: string;
    attestationObject: string;
    authenticatorData: string;
    transports: Array<'internal'>;
    publicKeyAlgorithm: number;
    publicKey: string;
  };
}

/** Shaped as @simplewebauthn's `AuthenticationResponseJSON`, what a browser posts after `get()`. */
export interface SoftAuthenticationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  authenticatorAttachment: 'platform';
  clientExtensionResults: Record<string, never>;
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle: string;
  };
}

/** A software passkey authenticator: `register` stands for `navigator.credentials.create()`, `authenticate` for `get()`. */
export interface SoftAuthenticator {
  /** Creates and stores a discoverable ES256 credential; throws as a browser would (`InvalidStateError`, `NotSupportedError`). */
  register(options: SoftCreationOptions, context: SoftRegistrationContext): SoftRegistrationResponse;
  /** Signs an assertion with a stored credential and moves its counter; throws `NotAllowedError` when none fits. */
  authenticate(options: SoftRequestOptions, context: SoftAuthenticationContext): SoftAuthenticationResponse;
  /** The credentials held, in registration order. */
  readonly credentials: ReadonlyArray<SoftCredential>;
}

interface StoredCredential {
  id: string;
  rpId: string;
  userHandle: string;
  signCount: number;
  privateKey: KeyObject;
}

const ES256 = -7;
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/** Creates an empty soft authenticator. */
export function createSoftAuthenticator(options: SoftAuthenticatorOptions = {}): SoftAuthenticator {
  const userVerification = options.userVerification ?? true;
  const stored: StoredCredential[] = [];

  function flags(attested: boolean): number {
    return FLAG_UP | (userVerification ? FLAG_UV : 0) | (attested ? FLAG_AT : 0);
  }

  return {
    register(creation, context) {
      if (!creation.pubKeyCredParams.some((param) => param.type === 'public-key' && param.alg === ES256)) {
        throw new DOMException('the soft authenticator only supports ES256 (alg -7)', 'NotSupportedError');
      }
      const excluded = new Set((creation.excludeCredentials ?? []).map((descriptor) => descriptor.id));
      if (stored.some((credential) => excluded.has(credential.id))) {
        throw new DOMException('the authenticator already holds an excluded credential', 'InvalidStateError');
      }
      const rpId = context.rpId ?? creation.rp.id ?? new URL(context.origin).hostname;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const credentialId = randomBytes(16);
      const coseKey = cbor([
        [1, 2], // kty: EC2
        [3, ES256], // alg
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]);
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialId.length);
      const authData = Buffer.concat([
        authDataHead(rpId, flags(true), 0),
        Buffer.alloc(16), // AAGUID: none
        idLength,
        credentialId,
        coseKey,
      ]);
      const attestationObject = cbor([
        ['fmt', 'none'],
        ['attStmt', []],
        ['authData', authData],
      ]);
      const id = credentialId.toString('base64url');
      stored.push({ id, rpId, userHandle: creation.user.id, signCount: 0, privateKey });
      return {
        id,
        rawId: id,
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: clientData('webauthn.create', creation.challenge, context.origin).toString(
            'base64url',
          ),
          attestationObject: attestationObject.toString('base64url'),
          authenticatorData: authData.toString('base64url'),
          transports: ['internal'],
          publicKeyAlgorithm: ES256,
          publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
        },
      };
    },

    authenticate(request, context) {
      const allowed = request.allowCredentials?.length
        ? new Set(request.allowCredentials.map((descriptor) => descriptor.id))
        : undefined;
      const credential = stored.find(
        (candidate) =>
          (context.credentialId === undefined || candidate.id === context.credentialId) &&
          (allowed === undefined || allowed.has(candidate.id)),
      );
      if (credential === undefined) {
        throw new DOMException('no stored credential fits the request', 'NotAllowedError');
      }
      const signCount = context.signCount ?? credential.signCount + 1;
      const rpId = context.rpId ?? request.rpId ?? credential.rpId;
      const authData = authDataHead(rpId, flags(false), signCount);
      credential.signCount = signCount;
      const clientDataJSON = clientData(
        'webauthn.get',
        context.challenge ?? request.challenge,
        context.origin,
      );
      const signature = sign(
        'sha256',
        Buffer.concat([authData, sha256(clientDataJSON)]),
        credential.privateKey,
      );
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authData.toString('base64url'),
          signature: signature.toString('base64url'),
          userHandle: credential.userHandle,
        },
      };
    },

    get credentials() {
      return stored.map(({ id, rpId, userHandle, signCount }) => ({ id, rpId, userHandle, signCount }));
    },
  };
}

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
}

/** rpIdHash (32) | flags (1) | signCount (4, big-endian). */
function authDataHead(rpId: string, flagBits: number, signCount: number): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt8(flagBits, 0);
  tail.writeUInt32BE(signCount, 1);
  return Buffer.concat([sha256(rpId), tail]);
}

// The little CBOR (RFC 8949) the ceremony needs: unsigned and negative integers, text and byte strings, and
// maps (given as entry lists), definite lengths only. Keys are written in the order given, which for the COSE
// key above is the canonical CTAP2 order.
type CborValue = number | string | Buffer | CborEntries;
type CborEntries = ReadonlyArray<readonly [number | string, CborValue]>;

function cborHead(major: number, value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`CBOR: ${value}`);
  if (value < 24) return Buffer.from([(major << 5) | value]);
  if (value <= 0xff) return Buffer.from([(major << 5) | 24, value]);
  if (value <= 0xffff) return Buffer.from([(major << 5) | 25, value >> 8, value & 0xff]);
  const head = Buffer.alloc(5);
  head.writeUInt8((major << 5) | 26, 0);
  head.writeUInt32BE(value, 1);
  return head;
}

function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  return Buffer.concat([
    cborHead(5, value.length),
    ...value.flatMap(([key, entry]) => [cbor(key), cbor(entry)]),
  ]);
}
