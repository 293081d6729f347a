/**
 * The form an e-mail is counted under: NFKC-normalised, trimmed and lower-cased, so that
 * `"  Alice@Example.COM "`, `"alice@example.com"` and a full-width spelling share one counter.
 * Merging more spellings than the account store does is safe here; merging fewer would let an attacker
 * multiply their guesses by varying the spelling.
 */
export function emailForCounting(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
