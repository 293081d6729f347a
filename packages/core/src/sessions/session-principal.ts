import type { SessionRecord } from '../stores/session-store.js';
import type { Principal } from '../tokens/principal.js';

/** The principal of a live server-side session. It never names the session id or its hash. */
export interface SessionPrincipal extends Principal {
  /** Always `undefined`: the session id is a bearer credential and must not travel with the principal. */
  readonly tokenId: undefined;
  /** When the session ends unless used again: the earlier of its idle and absolute expiry. */
  readonly expiresAt: Date;
  /** When the session began (the login), carried over by `regenerate`. */
  readonly createdAt: Date;
}

function stringList(value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) return Object.freeze([]);
  return Object.freeze(value.slice());
}

/**
 * Turns a session record into a frozen principal: roles from `data.roles` and scopes from `data.scopes` when
 * they are arrays of strings (otherwise none), the record's data as claims.
 */
export function sessionPrincipal(record: SessionRecord): SessionPrincipal {
  const data = record.data ?? {};
  return Object.freeze({
    subject: record.subject,
    roles: stringList(data['roles']),
    scopes: stringList(data['scopes']),
    claims: Object.freeze({ ...data }),
    tokenId: undefined,
    expiresAt: new Date(Math.min(record.idleExpiresAt, record.absoluteExpiresAt)),
    createdAt: new Date(record.createdAt),
  });
}
