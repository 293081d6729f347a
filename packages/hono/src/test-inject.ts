import type { Inject } from '@portcullis/testkit';

/** The suite's `inject` over a Fetch handler (`app.request`): repeated headers appended, every Set-Cookie kept. */
export function fetchInject(handle: (request: Request) => Response | Promise<Response>): Inject {
  return async (request) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const response = await handle(
      new Request(`http://127.0.0.1:3000${request.url}`, {
        method: request.method,
        headers,
        body: request.body ?? null,
      }),
    );
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    out['set-cookie'] = response.headers.getSetCookie();
    return { status: response.status, headers: out, body: await response.text() };
  };
}
