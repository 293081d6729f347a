import { AuthError } from '../errors/auth-error.js';

/**
 * What portcullis uses of `@node-rs/bcrypt`, typed here so that no published declaration names the optional
 * peer: an application without it still type-checks.
 */
export interface BcryptFunctions {
  hash(
    password: string,
    options: { cost: number; salt?: Uint8Array; version?: '2a' | '2b' | '2y' },
  ): Promise<string>;
  verify(password: string, storedHash: string): Promise<boolean>;
}

/** Resolves bcrypt's functions; rejects with the import's own error when the module cannot be loaded. */
export type BcryptLoader = () => Promise<BcryptFunctions>;

export const BCRYPT_PACKAGE = '@node-rs/bcrypt';

/** The stable code of the server-side error (and process warning) when bcrypt cannot be loaded. */
export const BCRYPT_UNAVAILABLE = 'PORTCULLIS_BCRYPT_UNAVAILABLE';

let loading: Promise<BcryptFunctions> | undefined;

/**
 * Imports `@node-rs/bcrypt` on the first call (concurrent first calls share the import) and keeps it for the
 * process. A failed import is not kept: installing the package and retrying works without a restart.
 */
export const importBcrypt: BcryptLoader = () => {
  loading ??= import('@node-rs/bcrypt').then(
    ({ hash, verify }) => ({ hash, verify }),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
};

/** What the operator reads, in the process warning and as the `cause` of the 503: the package and the fix. */
export function bcryptMissingError(cause: unknown): Error & { code: string } {
  return Object.assign(
    new Error(
      `portcullis: passwords.bcrypt: is on, but ${BCRYPT_PACKAGE} cannot be loaded (an optional peer ` +
        `dependency, needed to verify legacy bcrypt hashes); install it: npm install ${BCRYPT_PACKAGE}`,
      { cause },
    ),
    { code: BCRYPT_UNAVAILABLE },
  );
}

/**
 * What a client gets when bcrypt cannot be loaded: the same 503 as an unreachable store. It is a server
 * misconfiguration, not an answer about the account, and every login with `passwords.bcrypt` on computes
 * bcrypt (real or dummy), so every login gets it alike: it tells no legacy account from another.
 */
export function bcryptUnavailable(cause: Error): AuthError {
  return new AuthError('temporarily_unavailable', 'Authentication service temporarily unavailable', {
    retryAfter: 1,
    reason: 'bcrypt_unavailable',
    cause,
  });
}
