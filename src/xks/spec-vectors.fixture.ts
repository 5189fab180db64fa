/**
 * @module xks/spec-vectors.fixture
 * Test vectors (where each comes from: docs/spec-notes.md, "Where the test vectors come from"), kept as
 * data so the `*.test.ts` files beside each module can run them through `it.each`. Test-only: nothing in
 * src imports this.
 */

/** The spec's example AAD and ciphertextMetadata (Encrypt; Appendix C), as UTF-8 text. */
export const SPEC_AAD_TEXT = "project=nile,department=marketing";
export const SPEC_METADATA_TEXT = "key_version=1";
export const SPEC_AAD_B64 = "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n";
export const SPEC_METADATA_B64 = "a2V5X3ZlcnNpb249MQ==";
export const SPEC_AAD_HEX = "70726f6a6563743d6e696c652c6465706172746d656e743d6d61726b6574696e67";
export const SPEC_METADATA_HEX = "6b65795f76657273696f6e3d31";

/** Encrypt, ciphertextMetadata: the 49-byte key-manager AAD for the spec example (spaces only for reading). */
export const SPEC_FRAMED_AAD_HEX = `0021 ${SPEC_AAD_HEX} 0d ${SPEC_METADATA_HEX}`.replace(/ /g, "");

/** CDIV vector of spec Appendix C (all values Base64). */
export const CDIV_VECTOR = {
  aad: SPEC_AAD_B64,
  ciphertextMetadata: SPEC_METADATA_B64,
  iv: "HMrlRw85cAJUd5Ax",
  ciphertext: "ghxkK1txeDNn3q8Y",
  tag: "vBxN2ncH1oEkR8WVXpmyYQ==",
  sha256Hex: "a8703f2260bd8791ec2d15ea0b23e65a0631eedcf2a13a65cc82db3f47cf5ec7",
  cdiv: "qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=",
} as const;

/** Our AES-256-GCM vectors: inputs shared by every row. */
export const GCM_KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
export const GCM_IV_B64 = "AAECAwQFBgcICQoL";
export const GCM_IV_HEX = "000102030405060708090a0b";
export const GCM_PLAINTEXT_B64 = "SGVsbG8gV29ybGQh";
export const GCM_CIPHERTEXT_B64 = "D2e6d6rFlXT/LfOq";
export const GCM_CIPHERTEXT_HEX = "0f67ba77aac59574ff2df3aa";

export interface GcmVector {
  name: string;
  /** Base64 of the request's additionalAuthenticatedData; undefined = absent. */
  aad: string | undefined;
  /** Base64 of ciphertextMetadata; undefined = absent. */
  ciphertextMetadata: string | undefined;
  /** The key-manager AAD under the spec's framing (Encrypt, ciphertextMetadata), hex. */
  framedAadHex: string;
  tag: string;
  cdiv: string;
}

/** Rows 1-3 (the spec's framing). */
export const GCM_VECTORS: readonly GcmVector[] = [
  {
    name: "AAD and ciphertextMetadata",
    aad: SPEC_AAD_B64,
    ciphertextMetadata: SPEC_METADATA_B64,
    framedAadHex: SPEC_FRAMED_AAD_HEX,
    tag: "z16Jpi+YEVrPfy7xOkRNVw==",
    cdiv: "f3I7NWF4DGjk7+jfvjeSU5DvQJDKZ/RQztaBma/YHso=",
  },
  {
    name: "no AAD, no metadata",
    aad: undefined,
    ciphertextMetadata: undefined,
    framedAadHex: "000000",
    tag: "+DX8ZJOvQVMTeK7gwOAsdg==",
    cdiv: "doMOaf+m+SLxEOfkUsWQLZ7ogxHdDMkxCl3238JWldo=",
  },
  {
    name: "AAD, no metadata",
    aad: SPEC_AAD_B64,
    ciphertextMetadata: undefined,
    framedAadHex: `0021${SPEC_AAD_HEX}00`,
    tag: "oD3KqtYrMSdh/L3FQun+ag==",
    cdiv: "ndew6iqil9so4xVeXqDoAWYgTm8gWoAIkLjPnyJAWhk=",
  },
];

/** Row 4: the reference proxy's framing `BE16(len aad) ‖ SHA-256(aad) ‖ U8(len cm) ‖ cm` (docs/spec-notes.md, "AAD framing"). */
export const GCM_REF_STYLE_VECTOR = {
  framedAadHex: `0021${"6fb32b1a4c13895a23343800001e0635885003c4d04ebb3cdd631452a824e639"}0d${SPEC_METADATA_HEX}`,
  tag: "bfJZGtJ467nLg9SrQBNpoQ==",
} as const;

/** SigV4 inputs for `POST https://xks.example.com/example/kms/xks/v1/health`. */
export const SIGV4_INPUT = {
  accessKeyId: "XKSTESTACCESSKEYID234567",
  secret: "5JaKFdSbBkkDzufKelW9Yd7rLyX48GBC2+hq2DaVUgs=",
  region: "us-east-1",
  service: "kms-xks-proxy",
  amzDate: "20240515T120000Z",
  date: new Date("2024-05-15T12:00:00Z"),
  scopeDate: "20240515",
  host: "xks.example.com",
  path: "/example/kms/xks/v1/health",
  body: '{"requestMetadata":{"kmsRequestId":"4112f4d6-db54-4af4-ae30-c55a22a8dfae","kmsOperation":"UpdateCustomKeyStore"}}',
  payloadHash: "24814c4cf203e7d362f1691454c070648261f379fc5db51c34003fb572564c91",
  signingKeyHex: "44103804e34348b1696f6fac9ad299654b48cb6b694d5f26e7385ea4bd5d270d",
  scope: "20240515/us-east-1/kms-xks-proxy/aws4_request",
} as const;

export interface SigV4Vector {
  name: string;
  signedHeaders: string[];
  headers: Record<string, string>;
  canonicalRequest: string;
  canonicalRequestHash: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

const authorization = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=${SIGV4_INPUT.accessKeyId}/${SIGV4_INPUT.scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

/** Signatures A (KMS style, host;x-amz-date) and B (curl / test-client style, content-type too). */
export const SIGV4_VECTORS: readonly SigV4Vector[] = [
  {
    name: "A: KMS style, host;x-amz-date",
    signedHeaders: ["host", "x-amz-date"],
    headers: { host: "xks.example.com", "x-amz-date": "20240515T120000Z", "content-type": "application/json" },
    canonicalRequest: [
      "POST",
      "/example/kms/xks/v1/health",
      "",
      "host:xks.example.com",
      "x-amz-date:20240515T120000Z",
      "",
      "host;x-amz-date",
      "24814c4cf203e7d362f1691454c070648261f379fc5db51c34003fb572564c91",
    ].join("\n"),
    canonicalRequestHash: "0aa0e2515a1b29a72d4a0c2204ee36792697c47402cdb2e1c4b340de54974412",
    stringToSign: [
      "AWS4-HMAC-SHA256",
      "20240515T120000Z",
      "20240515/us-east-1/kms-xks-proxy/aws4_request",
      "0aa0e2515a1b29a72d4a0c2204ee36792697c47402cdb2e1c4b340de54974412",
    ].join("\n"),
    signature: "d4cab42912f1123acc5da1a1afa30c790e3bd9c737aae5148da0c9d31a7c2946",
    authorization:
      "AWS4-HMAC-SHA256 Credential=XKSTESTACCESSKEYID234567/20240515/us-east-1/kms-xks-proxy/aws4_request, SignedHeaders=host;x-amz-date, Signature=d4cab42912f1123acc5da1a1afa30c790e3bd9c737aae5148da0c9d31a7c2946",
  },
  {
    name: "B: curl / TC style, content-type;host;x-amz-date",
    signedHeaders: ["content-type", "host", "x-amz-date"],
    headers: { host: "xks.example.com", "x-amz-date": "20240515T120000Z", "content-type": "application/json" },
    canonicalRequest: [
      "POST",
      "/example/kms/xks/v1/health",
      "",
      "content-type:application/json",
      "host:xks.example.com",
      "x-amz-date:20240515T120000Z",
      "",
      "content-type;host;x-amz-date",
      "24814c4cf203e7d362f1691454c070648261f379fc5db51c34003fb572564c91",
    ].join("\n"),
    canonicalRequestHash: "85a16fb81b2eaffe32a0e073b3fefef89080d36976ab917f6cf77c019edd1a08",
    stringToSign: [
      "AWS4-HMAC-SHA256",
      "20240515T120000Z",
      "20240515/us-east-1/kms-xks-proxy/aws4_request",
      "85a16fb81b2eaffe32a0e073b3fefef89080d36976ab917f6cf77c019edd1a08",
    ].join("\n"),
    signature: "a0318ccc4c06e24a2dba0d60517ad12f84d69fb86f95f8e10637e9adfd6a1542",
    authorization: authorization("content-type;host;x-amz-date", "a0318ccc4c06e24a2dba0d60517ad12f84d69fb86f95f8e10637e9adfd6a1542"),
  },
];
