/** Why a message was not delivered. */
export type MailFailureKind =
  | 'connection_refused'
  | 'connection_failed'
  | 'dns_failed'
  | 'timeout'
  | 'tls_failed'
  | 'auth_failed'
  | 'sender_rejected'
  | 'recipient_rejected'
  | 'message_rejected'
  | 'protocol_error'
  | 'closed'
  | 'outbox_write_failed'
  | 'failed';

const DESCRIPTIONS: Record<MailFailureKind, string> = {
  connection_refused: 'connection refused',
  connection_failed: 'connection failed',
  dns_failed: 'host name not resolved',
  timeout: 'timed out',
  tls_failed: 'TLS failed',
  auth_failed: 'authentication failed',
  sender_rejected: 'sender rejected',
  recipient_rejected: 'recipient rejected',
  message_rejected: 'message rejected',
  protocol_error: 'unexpected server reply',
  closed: 'mailer closed',
  outbox_write_failed: 'could not write the outbox file',
  failed: 'delivery failed',
};

/** What a `MailDeliveryError` may say besides its kind: nothing here can hold a secret. */
export interface MailDeliveryErrorDetails {
  /** Where the message was going: `SMTP server host:port`, or `outbox <directory>`. */
  readonly target: string;
  /** The account flow of the message (`verify_email`, …); none for `verify()`. */
  readonly mailKind?: string | undefined;
  /** A short, fixed phrase refining the kind (`waiting for the greeting`, `EACCES`). */
  readonly detail?: string | undefined;
  /** The SMTP reply code, when the server answered with one. */
  readonly responseCode?: number | undefined;
  /** True when the server refused for good (5xx), false when a retry may succeed. */
  readonly permanent?: boolean | undefined;
}

/**
 * A message that was not delivered. Its message names the kind of failure and where the message was going;
 * it never holds the message's text or HTML (which carry one-time links), the server's reply text (which may
 * quote them), or credentials, and it has no `cause` for the same reason.
 *
 * @example
 * try { await mailer.send(message); }
 * catch (error) { if (error instanceof MailDeliveryError && error.kind === 'recipient_rejected') … }
 */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  readonly kind: MailFailureKind;
  readonly responseCode: number | undefined;
  readonly permanent: boolean | undefined;

  constructor(kind: MailFailureKind, details: MailDeliveryErrorDetails) {
    const detail = details.detail === undefined ? '' : ` ${details.detail}`;
    const code = details.responseCode === undefined ? '' : ` (SMTP ${details.responseCode})`;
    const what =
      details.mailKind === undefined
        ? 'could not check'
        : `could not deliver a ${details.mailKind} message via`;
    super(`@portcullis/mail: ${what} ${details.target}: ${DESCRIPTIONS[kind]}${detail}${code}`);
    this.kind = kind;
    this.responseCode = details.responseCode;
    this.permanent = details.permanent;
  }
}
