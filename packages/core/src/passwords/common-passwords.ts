// The list is decompressed when its module loads (tens of milliseconds, a few MB), so it is imported on first
// use rather than by everyone who imports @portcullis/core. It stays a dependency, not an optional peer as
// bcrypt is: every default policy checks it (`rejectCommon`), and a fallback list short enough to inline would
// quietly let through passwords the default promises to refuse.
let loading: Promise<ReadonlySet<string>> | undefined;

function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common']),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * True when the password (NFKC-normalised here) is on zxcvbn-ts's maintained list of common passwords
 * (`@zxcvbn-ts/language-common`, about 49,000 entries from breach corpora). The list is lower-case, so the
 * comparison ignores case: `Password1234` is as common as `password1234`.
 *
 * @example await isCommonPassword('password1234') // true
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  const common = await loadCommonPasswords();
  return common.has(password.normalize('NFKC').toLowerCase());
}
