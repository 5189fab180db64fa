/**
 * @module xks/base64
 * Standard Base64 with padding (RFC 4648 §4; the spec mistypes it as RFC 4687). Not URL-safe.
 */
/**
 * Decodes strict, canonical Base64, or returns undefined. Node's decoder is lenient (it skips junk and
 * whitespace, takes the URL-safe alphabet, missing padding and non-zero padding bits), but whatever it
 * forgave re-encodes differently: only canonical text survives the round trip. One pass each way, no regex:
 * this runs on every field of every request.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

