import { inflateSync } from "node:zlib";

/** Sections are a few MB inflated: a bigger stated length is not worth one buffer. */
const MAX_INFLATE_CHUNK = 8 << 20;

/**
 * node:zlib's synchronous inflate, its output in one buffer sized by the file's figure (no
 * joining of 16 KB pieces), within what a zlib stream can expand to (about 1032:1). One byte
 * more than the figure: output that fills its buffer exactly makes node:zlib allocate a second
 * one, as large, to learn that the stream has ended (twice the external memory, more collections).
 */
export function inflate(deflated: Uint8Array, inflatedLength: number): Uint8Array {
  const size = Math.min(inflatedLength, deflated.length * 1032 + 64, MAX_INFLATE_CHUNK);
  return inflateSync(deflated, { chunkSize: Math.max(64, (size || 0) + 1) });
}
