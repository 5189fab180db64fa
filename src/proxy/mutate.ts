/**
 * @module proxy/mutate
 * The one seam where the mock breaks the spec on purpose (fault type "mutation", for the conformance suite to
 * catch). The data plane asks a `Mutate` at each point a mutation can bend, passing the value the spec wants;
 * `SPEC` hands every value back unchanged, so the handlers read as the spec. Adding a mutation: its name in
 * MUTATIONS and one line in `mutateFor` (plus, for a new point, one method and its call on the spec path).
 */

/**
 * Spec violations the mock can commit on request, one per way a real proxy has been (or could be) wrong.
 * Each is a switch; none changes anything else.
 */
export const MUTATIONS = [
  "accept-any-signature", // no SigV4 check at all
  "skip-skew-check", // signatures of any age accepted
  "wrong-iv-length", // encrypt returns an 8-byte IV
  "missing-cdiv", // encrypt omits ciphertextDataIntegrityValue though it was requested
  "wrong-cdiv", // encrypt returns a CDIV with one bit flipped
  "ignore-aad", // AAD is not bound: decrypt succeeds with any AAD
  "get-200", // GET on an API path answers 200 instead of 405
  "error-without-json", // errors come back as text/plain, no errorName
  "key-spec-rsa", // GetKeyMetadata says keySpec RSA_0 (a bug seen in a real proxy)
  "garbled-plaintext", // decrypt answers 200 with its plaintext's first bit flipped: fast but wrong
  "ciphertext-longer", // encrypt returns its ciphertext with one byte appended (CDIV computed over what is returned)
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** The points of the spec path a mutation can bend; each method gets what the spec wants and returns what is done. */
export interface Mutate {
  /** Spec Appendix A: every API request is SigV4-verified (`accept-any-signature`: none is). */
  verifiesSignatures(): boolean;
  /** Spec Appendix A: how far X-Amz-Date may be from the proxy's clock (`skip-skew-check`: any distance). */
  maxClockSkewMs(specMs: number): number;
  /** Spec "Encrypt"/"Decrypt": the AAD bound into the tag (`ignore-aad`: none is). */
  boundAad<T>(aad: T): T | undefined;
  /** Spec "Encrypt": the IV returned is the one used (`wrong-iv-length`: its first 8 bytes). */
  iv(iv: Buffer): Buffer;
  /** Spec "Encrypt": the ciphertext returned is as long as the plaintext (`ciphertext-longer`: one byte more). */
  ciphertext(ciphertext: Buffer): Buffer;
  /** Spec Appendix C: the CDIV returned when asked for (`missing-cdiv`: none; `wrong-cdiv`: one bit flipped). */
  cdiv(cdiv: string): string | undefined;
  /** Spec "Decrypt": the plaintext returned is the one decrypted (`garbled-plaintext`: one bit flipped). */
  plaintext(plaintext: string): string;
  /** Spec "GetKeyMetadata": the key's spec (`key-spec-rsa`: RSA_0). */
  keySpec(spec: string): string;
  /** Spec: a GET on an API URI gets 405 (`get-200`: 200). */
  refusesGet(): boolean;
  /** Spec "Error codes": an error is JSON with errorName (`error-without-json`: plain text). */
  jsonErrors(): boolean;
}

/** No mutation: the spec as written. One shared object, so a request without mutations allocates nothing here. */
export const SPEC: Mutate = {
  verifiesSignatures: () => true,
  maxClockSkewMs: (specMs) => specMs,
  boundAad: (aad) => aad,
  iv: (iv) => iv,
  ciphertext: (ciphertext) => ciphertext,
  cdiv: (cdiv) => cdiv,
  plaintext: (plaintext) => plaintext,
  keySpec: (spec) => spec,
  refusesGet: () => true,
  jsonErrors: () => true,
};

function flipFirstBit(b64: string): string {
  const bytes = Buffer.from(b64, "base64");
  bytes[0]! ^= 1;
  return bytes.toString("base64");
}

/** The spec with `active` switched on; SPEC itself when none is. */
export function mutateFor(active: ReadonlySet<Mutation>): Mutate {
  if (active.size === 0) return SPEC;
  const on = (m: Mutation) => active.has(m);
  return {
    verifiesSignatures: () => !on("accept-any-signature"),
    maxClockSkewMs: (specMs) => (on("skip-skew-check") ? Number.POSITIVE_INFINITY : specMs),
    boundAad: (aad) => (on("ignore-aad") ? undefined : aad),
    iv: (iv) => (on("wrong-iv-length") ? iv.subarray(0, 8) : iv),
    ciphertext: (ciphertext) => (on("ciphertext-longer") ? Buffer.concat([ciphertext, Buffer.of(0)]) : ciphertext),
    cdiv: (cdiv) => (on("missing-cdiv") ? undefined : on("wrong-cdiv") ? flipFirstBit(cdiv) : cdiv),
    plaintext: (plaintext) => (on("garbled-plaintext") ? flipFirstBit(plaintext) : plaintext),
    keySpec: (spec) => (on("key-spec-rsa") ? "RSA_0" : spec),
    refusesGet: () => !on("get-200"),
    jsonErrors: () => !on("error-without-json"),
  };
}
