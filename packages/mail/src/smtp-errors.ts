import type { NodemailerError } from 'nodemailer';
import { MailDeliveryError, type MailFailureKind } from './errors.js';

const TIMEOUT_STEPS: Record<string, string> = {
  CONNECT_TIMEOUT: 'while connecting',
  GREETING_TIMEOUT: 'waiting for the greeting',
  UPGRADE_TIMEOUT: 'during the TLS upgrade',
  SOCKET_TIMEOUT: 'waiting for a reply',
};

// Node's and OpenSSL's codes for a certificate or handshake failure, which nodemailer reports as a socket error.
const TLS_CODE = /CERT|TLS|SSL|HANDSHAKE|ALTNAME|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** What an error from nodemailer means, read only from its codes: never from its message or reply text. */
function classify(error: NodemailerError): { kind: MailFailureKind; detail?: string } {
  // A Node error code (ECONNRESET, …), or nothing: it is quoted in the message, so it must be one.
  const original =
    typeof error.originalCode === 'string' && /^[A-Z0-9_]{1,40}$/.test(error.originalCode)
      ? error.originalCode
      : '';
  switch (error.code) {
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EPROXY':
      if (original === 'ECONNREFUSED') return { kind: 'connection_refused' };
      if (original === 'ETIMEDOUT') return { kind: 'timeout', detail: 'while connecting' };
      if (TLS_CODE.test(original)) return { kind: 'tls_failed' };
      return original === ''
        ? { kind: 'connection_failed' }
        : { kind: 'connection_failed', detail: `(${original})` };
    case 'EDNS':
      return { kind: 'dns_failed' };
    case 'ETIMEDOUT': {
      const step = error.timeoutType === undefined ? undefined : TIMEOUT_STEPS[error.timeoutType];
      return step === undefined ? { kind: 'timeout' } : { kind: 'timeout', detail: step };
    }
    // Only this package's own `timeouts.sendMs` signal aborts a send.
    case 'EABORT':
      return { kind: 'timeout', detail: 'before the server accepted the message (timeouts.sendMs)' };
    case 'ETLS':
    case 'EREQUIRETLS':
      return { kind: 'tls_failed' };
    case 'EAUTH':
    case 'ENOAUTH':
    case 'EOAUTH2':
      return { kind: 'auth_failed' };
    case 'EENVELOPE':
      return error.command === 'MAIL FROM' ? { kind: 'sender_rejected' } : { kind: 'recipient_rejected' };
    case 'EMESSAGE':
      return { kind: 'message_rejected' };
    case 'EPROTOCOL':
      return { kind: 'protocol_error' };
    default:
      return TLS_CODE.test(`${String(error.code ?? '')} ${original}`)
        ? { kind: 'tls_failed' }
        : { kind: 'failed' };
  }
}

/**
 * A `MailDeliveryError` for whatever nodemailer rejected with. Only the error's codes are read; its message,
 * server reply and stack are dropped, since a reply may quote the message (a content filter naming the
 * link it disliked) and nodemailer's messages include the replies.
 */
export function toDeliveryError(
  error: unknown,
  context: { readonly target: string; readonly mailKind?: string | undefined },
): MailDeliveryError {
  const nodemailerError = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const { kind, detail } = classify(nodemailerError);
  const responseCode =
    typeof nodemailerError.responseCode === 'number' && Number.isInteger(nodemailerError.responseCode)
      ? nodemailerError.responseCode
      : undefined;
  return new MailDeliveryError(kind, {
    ...context,
    detail,
    responseCode,
    permanent: typeof nodemailerError.permanent === 'boolean' ? nodemailerError.permanent : undefined,
  });
}
