import { readFile } from 'node:fs/promises';
import { isAuthError } from '@portcullis/core/errors';
import { createRemoteKeySet, JWS_ALGORITHMS, type JwsAlgorithm, type KeySource } from '@portcullis/core/keys';
import { createAccessTokenVerifier } from '@portcullis/core/tokens';
import { CliError, usageError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { EXIT } from '../lib/exit-codes.js';
import { listFlag, requiredFlag, stringFlag } from '../lib/flags.js';
import { readSecret } from '../secrets/read-secret.js';
import { decodeUnverified } from '../token/decode-unverified.js';
import { jwksFileKeySet } from '../token/jwks-file-key-set.js';
import { refuseSecretOnArgv } from './password.js';

const UNVERIFIED_WARNING =
  'warning: decoded WITHOUT verifying the signature; anyone can write these claims. Use `portcullis token verify` to check them.';

async function readToken(context: CommandContext, command: string): Promise<string> {
  refuseSecretOnArgv(context, 'token', `printf '%s' "$TOKEN" | portcullis token ${command} …`);
  return (await readSecret(context.io, 'token')).trim();
}

/** `token inspect`: header and payload, decoded and plainly marked as NOT verified. */
export async function tokenInspect(context: CommandContext): Promise<CommandResult> {
  const { header, payload } = decodeUnverified(await readToken(context, 'inspect'));
  return {
    json: { verified: false, header, payload },
    text: ['UNVERIFIED: the signature was not checked', JSON.stringify({ header, payload }, null, 2)].join(
      '\n',
    ),
    notice: UNVERIFIED_WARNING,
  };
}

const ASYMMETRIC = JWS_ALGORITHMS.filter((alg) => !alg.startsWith('HS'));

function algorithmsFlag(context: CommandContext): JwsAlgorithm[] | undefined {
  const algs = listFlag(context.values, 'alg');
  if (algs.length === 0) return undefined;
  for (const alg of algs)
    if (!(ASYMMETRIC as readonly string[]).includes(alg))
      throw usageError(`--alg must be among ${ASYMMETRIC.join(', ')}`);
  return algs as JwsAlgorithm[];
}

/** The keys to verify with: a JWKS URL through core's remote key set, or a JWKS file. */
async function keySource(location: string, algorithms: JwsAlgorithm[] | undefined): Promise<KeySource> {
  if (/^https?:\/\//i.test(location)) {
    try {
      return createRemoteKeySet(new URL(location), { algorithms: algorithms ?? ASYMMETRIC, timeout: 5000 });
    } catch (error) {
      // Core refuses plain http except on loopback: a man in the middle could swap the keys.
      throw usageError(`--jwks: ${(error as Error).message}`);
    }
  }
  let text: string;
  try {
    text = await readFile(location, 'utf8');
  } catch (error) {
    throw usageError(`--jwks: cannot read ${location} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError('jwks_unusable', `the JWKS file ${location} is not JSON`, EXIT.refused);
  }
  return jwksFileKeySet(parsed, algorithms === undefined ? undefined : new Set(algorithms));
}

/**
 * `token verify`: core's access-token verifier against a JWKS file or URL, with the issuer and audience
 * required as the apps require them. A refusal exits 1 with core's stable code and reason.
 */
export async function tokenVerify(context: CommandContext): Promise<CommandResult> {
  const location = requiredFlag(context.values, 'jwks');
  const issuer = requiredFlag(context.values, 'issuer');
  const audience = listFlag(context.values, 'audience');
  if (audience.length === 0) throw usageError('--audience is required');
  const typ = stringFlag(context.values, 'typ');
  const algorithms = algorithmsFlag(context);
  const token = await readToken(context, 'verify');
  const keys = await keySource(location, algorithms);
  const verifier = createAccessTokenVerifier({
    keys,
    issuer,
    audience,
    // `--typ any` drops the RFC 9068 check, for issuers whose access tokens are plain JWTs.
    typ: typ === undefined ? 'at+jwt' : typ === 'any' ? null : typ,
    cache: false,
  });
  try {
    const principal = await verifier.verify(token);
    return {
      json: {
        valid: true,
        subject: principal.subject,
        roles: principal.roles,
        scopes: principal.scopes,
        tokenId: principal.tokenId,
        expiresAt: principal.expiresAt.toISOString(),
        claims: principal.claims,
      },
      text: `valid: subject ${principal.subject}, expires ${principal.expiresAt.toISOString()}\n${JSON.stringify(principal.claims, null, 2)}`,
    };
  } catch (error) {
    if (!isAuthError(error)) throw error;
    const unavailable = error.code === 'temporarily_unavailable';
    throw new CliError(
      error.code,
      unavailable
        ? `the JWKS at ${location} could not be fetched`
        : `token refused: ${error.code} (${error.reason ?? 'no reason'})`,
      unavailable ? EXIT.unavailable : EXIT.refused,
      { valid: false, ...(error.reason === undefined ? {} : { reason: error.reason }) },
    );
  }
}
