import type { Auth } from '@portcullis/core';

/** A request as the suite sends it through a framework's own injection (supertest, inject, app.request…). */
export interface InjectedRequest {
  method: string;
  url: string;
  headers?: Record<string, string | string[]>;
  /** Raw body text, sent as is. */
  body?: string;
}

/** What came back, header names lower-case, `set-cookie` always as a list. */
export interface InjectedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Inject = (request: InjectedRequest) => Promise<InjectedResponse>;

/**
 * Builds the test application for one adapter: the auth routes of `auth` mounted, plus five app routes
 * written in the framework's own idiom with the adapter's middleware:
 * - `GET /me` (bearer, access cookie or session cookie) → 200 `{id,email,role,email_verified}` of
 *   `auth.users.findById(subject)`;
 * - `GET /admin/stats` (as /me, role `admin`) → 200 `{users: <count from the suite's counter>}`;
 * - `GET /service/reports` (`X-API-Key` only, scope `reports:read`) → 200 `{reports: [], key_id: <principal.tokenId>}`;
 * - `GET /step-up/fresh` (as /me, the adapter's `requireFreshAuth({ maxAge: 600 })`) → 200 `{subject}`;
 * - `GET /step-up/mfa` (as /me, the adapter's `requireAcr(ACR_MFA)`) → 200 `{subject}`.
 * Unknown routes answer 404 `not_found` through the adapter's error handling.
 */
export type CreateTestApp = (
  auth: Auth,
  userCount: () => Promise<number>,
) => Promise<{
  inject: Inject;
  close?: () => Promise<void>;
  /**
   * The `Host` the app sees when the harness cannot pass on the one a request names (a real server behind
   * `fetch`). Default: the harness sends the suite's own.
   */
  host?: string;
}>;
