import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signXksRequest } from "./sign.js";
import { signXksHeaders } from "./sign-headers.js";
import { verifySigV4 } from "./verify.js";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

describe("signXksHeaders (the Artillery processor's signer)", () => {
  it.each(Array.from({ length: 20 }, (_, i) => i))("signs exactly as the client's aws4 signer does, and the proxy's verifier accepts it (random input %i)", () => {
    const credential = { accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: b64(randomBytes(30)) };
    const url = new URL(`https://proxy-${randomBytes(3).toString("hex")}.example:${1024 + (randomBytes(2).readUInt16BE() % 60000)}/p${randomBytes(2).toString("hex")}/kms/xks/v1/keys/k-${randomBytes(4).toString("hex")}/encrypt`);
    const body = JSON.stringify({ plaintext: b64(randomBytes(32)), requestMetadata: { kmsRequestId: "r" } });
    const date = new Date(Date.UTC(2026, 0, 1) + (randomBytes(4).readUInt32BE() % 1e9) * 1000);
    const region = ["us-east-1", "eu-west-3", "ap-southeast-2"][randomBytes(1)[0]! % 3]!;
    const input = { host: url.host, path: url.pathname, body, region, credential, date };
    const ours = signXksHeaders(input);
    expect(ours).toEqual(signXksRequest(input));
    const verified = verifySigV4({ method: "POST", path: url.pathname, headers: { ...ours }, body }, { lookupSecret: (id) => (id === credential.accessKeyId ? credential.secretAccessKey : undefined), now: date });
    expect(verified.ok).toBe(true);
  });
});
