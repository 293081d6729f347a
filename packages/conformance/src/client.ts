// A small HTTP client for the contract suite: every request and response is kept, so that each secret the
// suite handled can be looked for in the app's log at the end.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
  setCookies: string[];
  cookie(name: string): string | undefined;
}

export const secretsSeen = new Set<string>();

/** Remembers a value that must never appear in the app's log (a password, token, key or cookie value). */
export function secret<T extends string | undefined>(value: T): T {
  if (value !== undefined && value.length >= 8) secretsSeen.add(value);
  return value;
}

export function createClient(base: string) {
  return async function request(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | null = null;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(base + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      // not JSON (the browser page)
    }
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) secret(line.split(';')[0]!.split('=').slice(1).join('='));
    for (const value of [json['access_token'], json['refresh_token'], json['key']])
      if (typeof value === 'string') secret(value);
    return {
      status: response.status,
      headers: response.headers,
      text,
      json,
      setCookies,
      cookie: (name) =>
        setCookies
          .find((c) => c.startsWith(`${name}=`))
          ?.split(';')[0]
          ?.slice(name.length + 1) || undefined,
    };
  };
}

export type Request = ReturnType<typeof createClient>;
