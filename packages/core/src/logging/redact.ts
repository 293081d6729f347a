import { MESSAGE_PARTS, nameKey, SECRET_FIELDS, SECRET_HEADERS, SECRET_WIRE_FIELDS } from './secret-names.js';

const CENSOR = '[redacted]';
/** Nesting copied before the rest is cut off: deeper than any request, response or error worth logging. */
const MAX_DEPTH = 10;
const ALWAYS = new Set<string>([...SECRET_HEADERS, ...SECRET_FIELDS].map(nameKey));
const IN_MESSAGES = new Set<string>(SECRET_WIRE_FIELDS.map(nameKey));
const MESSAGE = new Set<string>(MESSAGE_PARTS.map(nameKey));

function isSecret(key: string, parentKey: string): boolean {
  const name = nameKey(key);
  return ALWAYS.has(name) || (IN_MESSAGES.has(name) && MESSAGE.has(nameKey(parentKey)));
}

/** What an object shows a log: errors their name, message, stack and cause; maps and headers their entries. */
function entriesOf(value: object): [string, unknown][] {
  if (value instanceof Error) {
    const entries: [string, unknown][] = [
      ['name', value.name],
      ['message', value.message],
      ['stack', value.stack],
      ...Object.entries(value),
    ];
    if ('cause' in value && !entries.some(([key]) => key === 'cause')) entries.push(['cause', value.cause]);
    return entries;
  }
  if (typeof Headers !== 'undefined' && value instanceof Headers) return [...value.entries()];
  if (value instanceof Map) return [...value].map(([key, item]) => [String(key), item]);
  return Object.entries(value);
}

function copy(value: unknown, parentKey: string, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  ancestors.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      return Array.from(value, (item: unknown) => copy(item, parentKey, depth + 1, ancestors));
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && !(value instanceof Error)) {
      // Dates, buffers, URLs: what a JSON logger would write, checked in turn.
      const json: unknown = toJSON.call(value);
      return json === value ? {} : copy(json, parentKey, depth, ancestors);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entriesOf(value)) {
      // defineProperty: a key named `__proto__` is copied as data, never as the copy's prototype.
      Object.defineProperty(out, key, {
        value: isSecret(key, parentKey) ? CENSOR : copy(item, key, depth + 1, ancestors),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  } catch {
    // A throwing getter or a revoked proxy: logging must not fail, nor show what it could not check.
    return '[unreadable]';
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Returns a deep copy of `value` for any logger, with the credentials `pinoRedactPaths` names replaced by
 * `'[redacted]'`: the `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` and `X-API-Key` headers
 * and password, token, key and secret fields (`password`, `access_token`, `refreshToken`…) at any depth, an
 * OAuth `code` or API `key` inside a `body`, `query` or `params`. Names match whatever their case and `-`/`_`
 * (`X-Api-Key`, `x_api_key`). `value` itself is never changed. Cycles become `'[circular]'`, nesting past 10
 * levels `'[too deep]'`; errors become plain `{ name, message, stack, cause, … }`, `Headers` and `Map`s plain
 * objects, values with `toJSON` (dates, buffers) what it returns. The type says the shape, not those values.
 * Strings are kept as they are: log a URL's path, never its query.
 *
 * @example
 * logger.info(redact({ method: req.method, headers: req.headers, body }), 'request');
 */
export function redact<T>(value: T): T {
  return copy(value, '', 0, new WeakSet()) as T;
}
