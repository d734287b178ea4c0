// JSON string escaping for the container log's hot path (hundreds of MB/s of output). The bytes are
// viewed as latin1 (one char per byte) so V8's native JSON.stringify escapes them, and the result goes
// back to bytes 1:1: bytes >= 0x80 pass through untouched, so valid UTF-8 stays valid (invalid
// sequences read back as U+FFFD, as with Docker's json-file logs). No UTF-8 decode or re-encode.

/** `data` as a JSON string literal (with quotes), in latin1 (write it with Buffer.from(s, 'latin1')). */
export function jsonStringLatin1(data: Buffer): string {
  return JSON.stringify(data.toString('latin1'));
}
