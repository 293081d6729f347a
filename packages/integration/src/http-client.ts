// A small HTTP client for the tests: JSON in and out, cookies read from Set-Cookie.

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  cookie(name: string): string | undefined;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await fetch(base + path, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await response.text();
  const cookies = response.headers.getSetCookie();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    headers: response.headers,
    cookie: (name) =>
      cookies
        .find((c) => c.startsWith(`${name}=`))
        ?.split(';')[0]
        ?.slice(name.length + 1) || undefined,
  };
}

export const REFRESH_COOKIE = '__Host-portcullis-refresh';
export const PASSWORD = 'correct horse battery staple';
