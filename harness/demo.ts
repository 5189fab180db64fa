/**
 * @module harness/demo
 * `npm run demo`: starts the bundled mock XKS proxy in-process on a free port and talks to it exactly as KMS
 * would, printing what came back. Plaintext is never printed, only whether it round-tripped.
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { computeCdiv } from "../src/xks/cdiv.js";
import { decodeBase64 } from "../src/xks/base64.js";
import { defaultConfigInput, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { parseProxyConfig } from "../src/proxy/load-config.js";
import { createLogger } from "../src/proxy/request-log.js";
import { startProxy } from "../src/proxy/start-proxy.js";
import { XksClient, type XksResponse } from "./xks-client.js";
import { toHuman } from "./check/report.js";
import { runCheck } from "./check/run-check.js";
import type { CheckOptions } from "./check/types.js";
import { painter } from "./report/style.js";

function show(step: string, res: XksResponse): void {
  const body = res.text.length > 160 ? `${res.text.slice(0, 157)}...` : res.text;
  process.stdout.write(`\n${step}\n  HTTP ${res.status} in ${res.ms.toFixed(1)} ms\n  ${body}\n`);
}

async function main(): Promise<number> {
  const config = parseProxyConfig({ ...defaultConfigInput(), port: 0, adminPort: null, logLevel: "warn" });
  const proxy = await startProxy({ config, logger: createLogger("warn") });
  const baseUrl = proxy.baseUrl();
  process.stdout.write(`xks-mock started at ${baseUrl}\n(signing as KMS does: SigV4, service kms-xks-proxy, region us-east-1, with the AWS test client's public credential)\n`);
  const client = new XksClient({ baseUrl, region: "us-east-1", credential: PUBLIC_TEST_CREDENTIAL }, { ca: readFileSync(proxy.caFile!, "utf8") });
  let failures = 0;
  let wrongSecret = { accessKeyId: PUBLIC_TEST_CREDENTIAL.accessKeyId, secretAccessKey: "" };
  const expect = (ok: boolean, what: string) => {
    process.stdout.write(`  ${ok ? "ok" : "UNEXPECTED"}: ${what}\n`);
    if (!ok) failures += 1;
  };
  try {
    const health = await client.health({ kmsOperation: "UpdateCustomKeyStore" });
    show("GetHealthStatus (kmsOperation UpdateCustomKeyStore)", health);
    expect(health.status === 200, "200 with the health document");

    const meta = await client.metadata("foo");
    show("GetKeyMetadata foo", meta);
    expect(meta.status === 200 && (meta.json as { keySpec?: string }).keySpec === "AES_256", "AES_256, ENCRYPT+DECRYPT, ENABLED");

    const plaintext = randomBytes(32).toString("base64");
    const aad = Buffer.from("project=nile,department=marketing").toString("base64");
    const enc = await client.encrypt("foo", { plaintext, additionalAuthenticatedData: aad, ciphertextDataIntegrityValueAlgorithm: "SHA_256" });
    show("Encrypt foo (32 random bytes, with AAD, CDIV requested)", enc);
    const e = enc.json as { ciphertext: string; initializationVector: string; authenticationTag: string; ciphertextMetadata?: string; ciphertextDataIntegrityValue?: string };
    const cdiv = computeCdiv({ aad: decodeBase64(aad), iv: decodeBase64(e.initializationVector)!, ciphertext: decodeBase64(e.ciphertext)!, tag: decodeBase64(e.authenticationTag)! });
    expect(enc.status === 200 && e.ciphertextDataIntegrityValue === cdiv, "CDIV recomputed here matches the proxy's");

    const dec = await client.decrypt("foo", { ciphertext: e.ciphertext, initializationVector: e.initializationVector, authenticationTag: e.authenticationTag, additionalAuthenticatedData: aad });
    show("Decrypt foo (same AAD)", { ...dec, text: dec.status === 200 ? '{"plaintext":"<not printed>"}' : dec.text });
    expect(dec.status === 200 && (dec.json as { plaintext?: string }).plaintext === plaintext, "plaintext round-tripped");

    const tampered = await client.decrypt("foo", { ciphertext: e.ciphertext, initializationVector: e.initializationVector, authenticationTag: e.authenticationTag, additionalAuthenticatedData: Buffer.from("project=blue").toString("base64") });
    show("Decrypt foo with a different AAD", tampered);
    expect(tampered.status === 400 && (tampered.json as { errorName?: string }).errorName === "InvalidCiphertextException", "400 InvalidCiphertextException");

    wrongSecret = { accessKeyId: PUBLIC_TEST_CREDENTIAL.accessKeyId, secretAccessKey: "ThisIsNotTheSecretTheProxyHoldsForThisKeyId0" };
    const bad = await client.health({}, { credential: wrongSecret });
    show("GetHealthStatus signed with a wrong secret", bad);
    expect(bad.status === 401 && (bad.json as { errorName?: string }).errorName === "AuthenticationFailedException", "401 AuthenticationFailedException");

    // The harness's preflight, as a user would run it before UpdateCustomKeyStore: once with the right
    // settings, once with a secret the proxy does not hold.
    const endpoint = proxy.url.replace("127.0.0.1", "localhost");
    const path = baseUrl.slice(proxy.url.length);
    const options: CheckOptions = {
      settings: { endpoint, path, ...PUBLIC_TEST_CREDENTIAL },
      region: "us-east-1",
      connectivity: "PUBLIC_ENDPOINT",
      keyIds: ["foo"],
      extraCa: [readFileSync(proxy.caFile!, "utf8")],
      dev: true,
      timeoutMs: 3000,
      verbose: false,
    };
    const paint = painter(false);
    process.stdout.write(`\n$ xks-harness check --endpoint ${endpoint} --path ${path} --access-key-id ${PUBLIC_TEST_CREDENTIAL.accessKeyId} --key-id foo --ca ${proxy.caFile} --dev\n`);
    const good = await runCheck(options);
    process.stdout.write(toHuman(good, options, paint));
    expect(good.verdict === "pass", "check passes for the settings the proxy holds");

    const wrong = { ...options, settings: { ...options.settings, secretAccessKey: wrongSecret.secretAccessKey } };
    process.stdout.write(`\n$ XKS_SECRET_ACCESS_KEY=<a secret the proxy does not hold> xks-harness check … (same flags)\n`);
    const bad2 = await runCheck(wrong);
    process.stdout.write(toHuman(bad2, wrong, paint));
    expect(bad2.verdict === "fail" && bad2.predictedException === "XksProxyIncorrectAuthenticationCredentialException", "check fails and predicts XksProxyIncorrectAuthenticationCredentialException");
  } finally {
    await client.close();
    await proxy.stop();
  }
  process.stdout.write(failures === 0 ? "\ndemo: every answer was as the XKS spec requires\n" : `\ndemo: ${failures} unexpected answer(s)\n`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
