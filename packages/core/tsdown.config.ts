import { packageBuild } from '../../tsdown.shared.ts';

// One entry per public module, so `@portcullis/core/tokens` loads neither argon2 nor anything else it does not need.
export default packageBuild({
  index: 'src/index.ts',
  adapter: 'src/adapter/index.ts',
  errors: 'src/errors/index.ts',
  http: 'src/http/index.ts',
  keys: 'src/keys/index.ts',
  tokens: 'src/tokens/index.ts',
  stores: 'src/stores/index.ts',
  refresh: 'src/refresh/index.ts',
  revocation: 'src/revocation/index.ts',
  passwords: 'src/passwords/index.ts',
  apikeys: 'src/apikeys/index.ts',
  sessions: 'src/sessions/index.ts',
  cookies: 'src/cookies/index.ts',
  csrf: 'src/csrf/index.ts',
  policy: 'src/policy/index.ts',
  ratelimit: 'src/ratelimit/index.ts',
  auth: 'src/auth/index.ts',
  oauth: 'src/oauth/index.ts',
  mail: 'src/mail/index.ts',
  logging: 'src/logging/index.ts',
});
