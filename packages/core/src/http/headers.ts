import type { RequestHeaders } from './types.js';

/** Every value of header `name` (lower-case) as a list; a repeated header yields several entries. */
export function headerValues(headers: RequestHeaders, name: string): readonly string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** The header's only value, or `undefined`. Several values are returned joined, as RFC 9110 §5.3 combines them. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || typeof value === 'string') return value;
  return value.length === 0 ? undefined : value.join(', ');
}
