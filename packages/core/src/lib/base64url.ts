const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** True when `value` uses only the unpadded base64url alphabet (RFC 4648 §5). Node's decoder silently skips other characters, so callers check first. */
export function isBase64Url(value: string): boolean {
  return BASE64URL.test(value);
}

export function base64UrlEncode(bytes: Uint8Array | string): string {
  return (
    typeof bytes === 'string'
      ? Buffer.from(bytes, 'utf8')
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ).toString('base64url');
}

export function base64UrlDecode(value: string): Buffer {
  return Buffer.from(value, 'base64url');
}
