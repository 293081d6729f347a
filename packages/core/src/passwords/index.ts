export type { Argon2Options } from './argon2-options.js';
export { OWASP_ARGON2_OPTIONS } from './argon2-options.js';
export type { LegacyPasswordForm } from './bcrypt-hash.js';
export { isCommonPassword } from './common-passwords.js';
export type {
  LegacyHashMigrationOptions,
  LegacyHashMigrationReport,
  PasswordHashWriter,
  StoredPasswordHash,
} from './migrate-legacy-hashes.js';
export { migrateLegacyBcryptHashes } from './migrate-legacy-hashes.js';
export type { TooLongCode } from './normalize-password.js';
export { normalizePassword } from './normalize-password.js';
export type {
  LegacyBcryptOptions,
  PasswordHasher,
  PasswordHasherEvent,
  PasswordHasherLoad,
  PasswordHasherOptions,
  PasswordVerification,
} from './password-hasher.js';
export { createPasswordHasher } from './password-hasher.js';
export type {
  PasswordCheckContext,
  PasswordPolicy,
  PasswordPolicyOptions,
  PasswordRefusalReason,
} from './password-policy.js';
export { createPasswordPolicy } from './password-policy.js';
export type { PasswordScore } from './password-strength.js';
export { passwordScore } from './password-strength.js';
