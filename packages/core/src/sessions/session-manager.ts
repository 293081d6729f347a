import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import type { SessionRecord, SessionStore } from '../stores/session-store.js';
import { generateSessionId, hashSessionId, isWellFormedSessionId } from './session-id.js';
import { type SessionPrincipal, sessionPrincipal } from './session-principal.js';

export interface SessionManagerOptions {
  /** Where sessions live. Wrap it in `guardStore` so that a failing store becomes 503, never 500. */
  store: SessionStore;
  /** A session unused for this long ends, in seconds or as `"30m"`. Default `"30m"`. */
  idleTimeout?: number | string;
  /** A session ends this long after login whatever its activity, in seconds or as `"12h"`. Default `"12h"`. */
  absoluteTimeout?: number | string;
  /**
   * The idle expiry is written back only when it would move by at least this much, so a busy session costs
   * one store write per interval, not one per request. A session used at time t therefore lives until at
   * least t + idleTimeout − touchInterval. Must be shorter than `idleTimeout`. Default `"1m"` (or half the
   * idle timeout when that is shorter).
   */
  touchInterval?: number | string;
  clock?: Clock;
}

/** A newly issued session: `id` goes into the session cookie and nowhere else; the store holds only its hash. */
export interface IssuedSession {
  readonly id: string;
  readonly record: Readonly<SessionRecord>;
}

/** Issues, resolves and ends server-side sessions. */
export interface SessionManager {
  /** Starts a session with a fresh id: call at every login, never reuse an id the client presented. */
  create(subject: string, data?: Record<string, unknown>): Promise<IssuedSession>;
  /** The principal of a live session, pushing its idle expiry forward; `null` for a malformed, unknown or expired id. */
  resolve(id: string): Promise<SessionPrincipal | null>;
  /**
   * Ends the session `oldId` and starts one with a fresh id for the same subject, merging `dataPatch` into its
   * data: call at every privilege change. The absolute expiry and `createdAt` carry over (this is not a new
   * login); `null`, with nothing changed, when `oldId` is not a live session.
   */
  regenerate(oldId: string, dataPatch?: Record<string, unknown>): Promise<IssuedSession | null>;
  /** Ends one session. A malformed or unknown id is a no-op. */
  destroy(id: string): Promise<void>;
  /** Ends every session of `subject` ("log out everywhere", password change). */
  destroyAll(subject: string): Promise<void>;
}

function positiveMs(value: number | string, optionName: string): number {
  const option = `sessions.${optionName}`;
  const seconds = parseDuration(value, option);
  if (seconds <= 0) throw optionError(option, 'must be more than 0', 'omit it for the default');
  return seconds * 1000;
}

function assertData(data: unknown, what: string): asserts data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw optionError(
      what,
      'must be a plain object',
      'pass an object of JSON values, such as { tenant: "acme" }',
    );
}

const isLive = (record: SessionRecord, now: number): boolean =>
  record.idleExpiresAt > now && record.absoluteExpiresAt > now;

/**
 * Creates a manager of server-side sessions (OWASP Session Management Cheat Sheet).
 *
 * Ids are 256 random bits, base64url; the store only ever sees their SHA-256 hash, and an id of the wrong
 * length or alphabet is refused without a store lookup. A session ends at its idle expiry (pushed forward on
 * use, at most once per `touchInterval`) or at its absolute expiry, whichever comes first; expiry is checked
 * here as well as in the store. Store failures propagate.
 *
 * @example
 * const sessions = createSessionManager({ store: guardStore(stores.sessions), idleTimeout: '30m' });
 * const { id } = await sessions.create(user.id, { roles: ['user'] });
 * const principal = await sessions.resolve(cookies.read(request.headers).session ?? '');
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { store } = options;
  if (store === undefined || typeof store.get !== 'function')
    throw optionError('sessions.store', 'is not a SessionStore', 'pass one, such as stores.sessions');
  const idleMs = positiveMs(options.idleTimeout ?? '30m', 'idleTimeout');
  const absoluteMs = positiveMs(options.absoluteTimeout ?? '12h', 'absoluteTimeout');
  const touchMs =
    options.touchInterval === undefined
      ? Math.min(60_000, idleMs / 2)
      : parseDuration(options.touchInterval, 'sessions.touchInterval') * 1000;
  if (touchMs >= idleMs)
    throw optionError(
      'sessions.touchInterval',
      'must be shorter than sessions.idleTimeout',
      'shorten it, or omit it for half the idle timeout (at most 1 minute)',
    );
  const clock = options.clock ?? systemClock;

  async function issue(record: SessionRecord, id: string): Promise<IssuedSession> {
    await store.create(record);
    return Object.freeze({ id, record: Object.freeze({ ...record, data: { ...record.data } }) });
  }

  async function live(id: string, now: number): Promise<SessionRecord | null> {
    if (!isWellFormedSessionId(id)) return null;
    const record = await store.get(hashSessionId(id), now);
    return record !== null && isLive(record, now) ? record : null;
  }

  return {
    async create(subject, data = {}) {
      if (typeof subject !== 'string' || subject.length === 0)
        throw optionError('sessions subject', 'must be a non-empty string', "pass the user's id");
      assertData(data, 'session data');
      const id = generateSessionId();
      const now = clock();
      return issue(
        {
          idHash: hashSessionId(id),
          subject,
          createdAt: now,
          absoluteExpiresAt: now + absoluteMs,
          idleExpiresAt: now + idleMs,
          data: { ...data },
        },
        id,
      );
    },

    async resolve(id) {
      const now = clock();
      const record = await live(id, now);
      if (record === null) return null;
      const idleExpiresAt = now + idleMs;
      // Write only when the expiry moves by a touchInterval or more, and never when the absolute expiry comes first anyway.
      if (
        idleExpiresAt - record.idleExpiresAt >= touchMs &&
        record.idleExpiresAt < record.absoluteExpiresAt
      ) {
        // `false`: the session was destroyed between get and touch.
        if (!(await store.touch(record.idHash, idleExpiresAt))) return null;
        record.idleExpiresAt = idleExpiresAt;
      }
      return sessionPrincipal(record);
    },

    async regenerate(oldId, dataPatch = {}) {
      assertData(dataPatch, 'session dataPatch');
      const now = clock();
      const old = await live(oldId, now);
      if (old === null) return null;
      // Delete first: should creating the new session fail, the user is logged out rather than left on the old id.
      await store.delete(old.idHash);
      const id = generateSessionId();
      return issue(
        {
          idHash: hashSessionId(id),
          subject: old.subject,
          createdAt: old.createdAt,
          absoluteExpiresAt: old.absoluteExpiresAt,
          idleExpiresAt: now + idleMs,
          data: { ...old.data, ...dataPatch },
        },
        id,
      );
    },

    async destroy(id) {
      if (isWellFormedSessionId(id)) await store.delete(hashSessionId(id));
    },

    async destroyAll(subject) {
      if (typeof subject !== 'string' || subject.length === 0)
        throw optionError('sessions subject', 'must be a non-empty string', "pass the user's id");
      await store.deleteBySubject(subject);
    },
  };
}
