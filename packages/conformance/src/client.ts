// A small HTTP client for the contract suite: every request and response is kept, so that each secret the
// suite handled can be looked for in the app's log at the end.
import { request as httpRequest } from 'node:http';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
  setCookies: string[];
  cookie(name: string): string | undefined;
}

let lastAddress = 1;

/** A loopback address no earlier call returned (127.0.x.y, never 127.0.0.1): a fresh client for the app. */
export function freshClientAddress(): string {
  lastAddress += 1;
  return `127.0.${Math.floor(lastAddress / 250)}.${(lastAddress % 250) + 2}`;
}

export const secretsSeen = new Set<string>();

/** Remembers a value that must never appear in the app's log (a password, token, key or cookie value). */
export function secret<T extends string | undefined>(value: T): T {
  if (value !== undefined && value.length >= 8) secretsSeen.add(value);
  return value;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One request through node:http from a given loopback address (fetch cannot choose its source address). */
function requestFrom(
  localAddress: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | null },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: init.method, headers: init.headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(init.body ?? undefined);
  });
}

/**
 * A client of the app at `base`. `localAddress` (e.g. `127.0.0.7`) sends from another loopback address: the
 * app then sees another client, with limits of its own (per-address limits are a handful an hour).
 */
export function createClient(base: string, clientOptions: { localAddress?: string } = {}) {
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
    const response: RawResponse =
      clientOptions.localAddress === undefined
        ? await fetch(base + path, { method, headers, body, redirect: 'manual' }).then(async (r) => ({
            status: r.status,
            headers: r.headers,
            text: await r.text(),
          }))
        : await requestFrom(clientOptions.localAddress, base + path, { method, headers, body });
    const { text } = response;
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
