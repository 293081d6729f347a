import type { Inject } from './types.js';

/**
 * The suite's `inject` over anything that answers a Fetch `Request` — `app.request` of a Fetch framework,
 * or `fetch` itself against a listening server: repeated headers appended, every Set-Cookie kept.
 *
 * @example runAdapterSuite('hono', async (auth) => ({ inject: fetchInject((req) => app.request(req)) }));
 */
export function fetchInject(
  handle: (request: Request) => Response | Promise<Response>,
  origin = 'http://127.0.0.1:3000',
): Inject {
  return async (request) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    // A Fetch request's URL carries its host: the one the request names, as a server builds it from Host.
    const host = request.headers?.['host'];
    const base = typeof host === 'string' ? `${new URL(origin).protocol}//${host}` : origin;
    const response = await handle(
      new Request(`${base}${request.url}`, { method: request.method, headers, body: request.body ?? null }),
    );
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    out['set-cookie'] = response.headers.getSetCookie();
    return { status: response.status, headers: out, body: await response.text() };
  };
}
