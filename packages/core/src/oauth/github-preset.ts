import { optionError } from '../lib/option-error.js';
import type { OAuth2ProviderConfig, ProviderEmail, UserEmailContext } from './provider-config.js';

/** Options of `githubPreset()`. */
export interface GitHubPresetOptions {
  /** The client id of a GitHub OAuth app (or GitHub App). */
  clientId: string;
  clientSecret: string;
  /** Scopes. Default `["read:user", "user:email"]` (`user:email` is needed to read private addresses). */
  scopes?: readonly string[];
  /** A GitHub Enterprise Server base URL, e.g. `https://github.example.com`. Default: github.com. */
  enterpriseUrl?: string;
  authorizationParams?: Readonly<Record<string, string>>;
  /** Default `"client_secret_basic"`; `"client_secret_post"` is the form GitHub's documentation shows. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

async function githubApi(apiUrl: string, path: string, context: UserEmailContext): Promise<unknown> {
  const response = await context.fetch(`${apiUrl}${path}`, {
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${context.accessToken}`,
      'user-agent': 'portcullis',
      'x-github-api-version': '2022-11-28',
    },
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`GitHub answered ${response.status} to ${path}`);
  }
  return response.json();
}

/**
 * GitHub's `GET /user` (the numeric id, which never changes, unlike the login name or an address) and
 * `GET /user/emails`: the primary address, and whether GitHub verified it.
 */
async function primaryEmail(apiUrl: string, context: UserEmailContext): Promise<ProviderEmail | null> {
  const [user, emails] = await Promise.all([
    githubApi(apiUrl, '/user', context),
    githubApi(apiUrl, '/user/emails', context),
  ]);
  const id = (user as { id?: unknown } | null)?.id;
  if (!Number.isSafeInteger(id)) throw new Error('GitHub /user did not answer a numeric id');
  if (!Array.isArray(emails)) throw new Error('GitHub /user/emails did not answer an array');
  const primary = (emails as GitHubEmail[]).find((entry) => entry?.primary === true);
  if (primary === undefined || typeof primary.email !== 'string') return null;
  return { email: primary.email, verified: primary.verified === true, subject: String(id) };
}

/**
 * Sign-in with GitHub. GitHub speaks OAuth 2.0 but not OpenID Connect: there is no ID token and no nonce,
 * so the user's e-mail comes from its API (`GET /user/emails`, the primary address) and counts only when
 * GitHub reports it `verified: true`; the account is named by its numeric id (`GET /user`). PKCE, `state` and `client_secret_basic` apply as for any provider.
 *
 * @example createAuth({ …, oauth: { providers: { github: githubPreset({ clientId, clientSecret }) } } })
 */
export function githubPreset(options: GitHubPresetOptions): OAuth2ProviderConfig {
  let web = 'https://github.com';
  let api = 'https://api.github.com';
  if (options.enterpriseUrl !== undefined) {
    if (typeof options.enterpriseUrl !== 'string')
      throw optionError(
        'githubPreset.enterpriseUrl',
        `must be a URL, not ${typeof options.enterpriseUrl}`,
        "give your GitHub Enterprise Server's URL, such as 'https://github.example.com'",
      );
    web = options.enterpriseUrl.replace(/\/+$/, '');
    api = `${web}/api/v3`;
  }
  return {
    type: 'oauth2',
    issuer: web,
    authorizationEndpoint: `${web}/login/oauth/authorize`,
    tokenEndpoint: `${web}/login/oauth/access_token`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes ?? ['read:user', 'user:email'],
    userEmail: (context) => primaryEmail(api, context),
    ...(options.authorizationParams === undefined
      ? {}
      : { authorizationParams: options.authorizationParams }),
    ...(options.tokenEndpointAuthMethod === undefined
      ? {}
      : { tokenEndpointAuthMethod: options.tokenEndpointAuthMethod }),
  };
}
