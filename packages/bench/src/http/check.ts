// Before anything is timed: every route answers the valid tokens 200 and the bad ones 401, so that no row
// measures an error path (a peer that refused portcullis's at+jwt tokens would look very fast).
import type { RefusedTokens } from '../fixtures.js';
import { BODY, ROUTES, type RouteName, UNAUTHENTICATED_ROUTES } from './protocol.js';

async function status(port: number, path: string, token?: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.text() };
}

export interface RouteCheck {
  /** Why the route cannot be timed: it refused a valid token, or accepted a bad one. */
  failure?: string;
  /** Bad tokens refused with another status than 401 (still refused, so the route is timed). */
  oddRefusals?: string;
}

/**
 * Checks one route: `/bare` (and any other unauthenticated route) answers 200 and the body; a protected route answers 200 and the body to the
 * reused token and to a fresh one, 401 to the tampered token, and refuses every other bad token.
 */
export async function checkRoute(
  port: number,
  route: RouteName,
  tokens: { reused: string; fresh: string; refused: RefusedTokens },
): Promise<RouteCheck> {
  const path = ROUTES[route];
  const expected = JSON.stringify(BODY);
  try {
    if (UNAUTHENTICATED_ROUTES.has(route)) {
      const answer = await status(port, path);
      return answer.status === 200 && answer.body === expected
        ? {}
        : { failure: `GET ${path}: ${answer.status}` };
    }
    for (const [what, token] of [
      ['reused', tokens.reused],
      ['fresh', tokens.fresh],
    ] as const) {
      const answer = await status(port, path, token);
      if (answer.status !== 200)
        return { failure: `refused the ${what} token (${answer.status} ${answer.body.slice(0, 120)})` };
      if (answer.body !== expected) return { failure: `answered the ${what} token with another body` };
    }
    const odd: string[] = [];
    for (const [what, token] of Object.entries(tokens.refused)) {
      const answer = await status(port, path, token);
      if (answer.status === 401) continue;
      if (answer.status < 400 || what === 'tampered')
        return { failure: `answered the ${what} token ${answer.status}, not 401` };
      odd.push(`${what} → ${answer.status}`);
    }
    return odd.length === 0 ? {} : { oddRefusals: `refuses with another status than 401: ${odd.join(', ')}` };
  } catch (error) {
    return { failure: `request failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
