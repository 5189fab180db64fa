/**
 * @module harness/conformance/cases/mtls
 * mTLS (spec "Authentication"): with client certificates required, the handshake must fail for no certificate,
 * one from another CA, and one whose subject is not the allowed name.
 */
import { generateDevPki, generateLeaf } from "../../../src/pki/dev-pki.js";
import { expectHealth } from "../expect.js";
import type { ConformanceCase } from "../types.js";
import { expectRefused } from "./common.js";

export const MTLS_CASES: ConformanceCase[] = [
  { id: "mtls-accepted", title: "The configured client certificate is accepted", section: "Authentication (mTLS)", level: "MUST", needs: ["mtls"], run: async (ctx) => expectHealth(await ctx.client.health()) },
  {
    id: "mtls-no-certificate",
    title: "No client certificate is refused",
    section: "Authentication (mTLS: abort the handshake)",
    level: "MUST",
    needs: ["mtls"],
    run: async (ctx) => expectRefused(() => ctx.clientWith({ tls: { cert: undefined, key: undefined } }).health(), "no client certificate"),
  },
  {
    id: "mtls-wrong-ca",
    title: "A client certificate from another CA is refused",
    section: "Authentication (mTLS: the configured root CA only)",
    level: "MUST",
    needs: ["mtls"],
    run: async (ctx) => {
      const other = await generateDevPki({ caName: "xks-harness conformance rogue CA" });
      return expectRefused(() => ctx.clientWith({ tls: { cert: other.client.cert, key: other.client.key } }).health(), "certificate from another CA");
    },
  },
  {
    id: "mtls-wrong-subject",
    title: "A client certificate with another subject is refused",
    section: "Authentication (mTLS: the configured subject only)",
    level: "MUST",
    needs: ["mtls", "mtlsClientCa"],
    run: async (ctx) => {
      const leaf = await generateLeaf(ctx.target.clientCa!, { subject: "beta.cks.kms.us-east-1.amazonaws.com", clientAuth: true });
      return expectRefused(() => ctx.clientWith({ tls: { cert: leaf.cert, key: leaf.key } }).health(), "wrong subject");
    },
  },
];
