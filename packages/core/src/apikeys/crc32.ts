// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, the zlib/PNG/GitHub-token checksum), table-driven.
//
// Why not `zlib.crc32`: it exists only from Node 20.15/22.2, and the key format must compute the same
// checksum wherever core runs (Deno, Bun, workers with partial `node:zlib`). The checksum is part of every
// key ever issued, so it must never change: `crc32.test.ts` pins it to the standard check value and to zlib.

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

/** The CRC-32 of `bytes` as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
