/**
 * @module harness/demo
 * `npm run demo`: the whole story on one machine, with real servers and real output. The mock XKS proxy starts
 * in-process on a free port; the harness talks to it as KMS would, checks it (one passing and one failing
 * preflight), runs the conformance suite, then the local KMS (driven by the real AWS SDK) rehearses a gated
 * credential rotation and encrypts and decrypts through the rotated store; a mock that requires mTLS is checked
 * without and with the dev PKI's client certificate; a Terraform plan that moves the store is checked before apply.
 * Plaintext and secrets are never printed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  ConnectCustomKeyStoreCommand,
  CreateAliasCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import { startLocalKms } from "../src/kms/start-local-kms.js";
import { DEV_PKI_FILES } from "../src/pki/dev-pki-files.js";
import { defaultConfigInput, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { parseProxyConfig } from "../src/proxy/load-config.js";
import { createLogger } from "../src/proxy/request-log.js";
import { startProxy } from "../src/proxy/start-proxy.js";
import { toHuman } from "./check/report.js";
import { runCheck } from "./check/run-check.js";
import type { CheckOptions } from "./check/types.js";
import { summaryLine } from "./conformance/report.js";
import { runConformance } from "./conformance/run-conformance.js";
import { checkHtml } from "./report/html-check.js";
import { painter } from "./report/style.js";
import { loadStep } from "./demo-load-step.js";
import { demoEndpointServices, vpcStep } from "./demo-vpc-step.js";
import { terraformStep } from "./demo-terraform-step.js";
import { runUpdate } from "./update/run-update.js";
import { settlingLines } from "./update/settle.js";
import { planLines } from "./update/aws-cli.js";
import { randomXksCredential, XksClient, type XksResponse } from "../src/client/index.js";

// Node 20.18+ is still supported (see README, "Supported Node versions"): the SDK's notice about its coming Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const out = (text: string) => process.stdout.write(`${text}\n`);
const heading = (text: string) => out(`\n== ${text}`);

function show(step: string, res: XksResponse): void {
  const body = res.text.length > 150 ? `${res.text.slice(0, 147)}...` : res.text;
  out(`${step}\n  HTTP ${res.status} in ${res.ms.toFixed(1)} ms  ${body}`);
}

/** An mTLS mock checked without and with the dev PKI's client certificate (the KMS subject). */
async function mtlsStep(input: ReturnType<typeof defaultConfigInput>, ca: string, caFile: string, expect: (ok: boolean, what: string) => void): Promise<void> {
  heading("7. mTLS: xks-harness check against a mock that requires a client certificate");
  const mtls = await startProxy({ config: parseProxyConfig({ ...input, port: 0, adminPort: null, logLevel: "warn", tls: { mtls: true } }), logger: createLogger("warn") });
  try {
    const certFile = join(dirname(caFile), DEV_PKI_FILES.clientCert);
    const keyFile = join(dirname(caFile), DEV_PKI_FILES.clientKey);
    const endpoint = mtls.url.replace("127.0.0.1", "localhost");
    const options: CheckOptions = { settings: { endpoint, path: mtls.baseUrl().slice(mtls.url.length), ...PUBLIC_TEST_CREDENTIAL }, region: "us-east-1", connectivity: "PUBLIC_ENDPOINT", keyIds: ["foo"], extraCa: [ca], dev: true, timeoutMs: 3000, verbose: false };
    const paint = painter(false);
    out(`$ xks-harness check --endpoint ${endpoint} … --key-id foo --ca ${caFile} --dev`);
    const without = await runCheck(options);
    out(without.checks.find((c) => c.id === "tls")!.detail);
    expect(without.verdict === "fail" && without.predictedConnectionErrorCode === "XKS_PROXY_INVALID_TLS_CONFIGURATION", "without a client certificate: tls fails with the truth (the proxy requires mTLS), a TLS failure predicted");
    out(`\n$ xks-harness check --endpoint ${endpoint} … --key-id foo --ca ${caFile} --dev --client-cert ${certFile} --client-key ${keyFile}`);
    const withCert: CheckOptions = { ...options, clientCert: { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") } };
    const good = await runCheck(withCert);
    out(toHuman(good, withCert, paint).trimEnd());
    expect(good.verdict === "pass", "with the dev PKI's client certificate (CN cks.kms.us-east-1.amazonaws.com) every check passes");
  } finally {
    await mtls.stop();
  }
}

async function main(): Promise<number> {
  let failures = 0;
  const expect = (ok: boolean, what: string) => {
    out(`  ${ok ? "ok" : "UNEXPECTED"}: ${what}`);
    if (!ok) failures += 1;
  };
  const old = PUBLIC_TEST_CREDENTIAL;
  // A fresh credential for the rotation: a random secret, never printed.
  const fresh = randomXksCredential("DEMONEW");
  const input = defaultConfigInput();
  // The proxy holds the old and the new credential at once: step 1 of the spec's rotation procedure.
  input.keystores[0]!.credentials = [{ ...old }, fresh];
  const config = parseProxyConfig({ ...input, port: 0, adminPort: null, logLevel: "warn" });
  const proxy = await startProxy({ config, logger: createLogger("warn") });
  const ca = readFileSync(proxy.caFile!, "utf8");
  const endpoint = proxy.url.replace("127.0.0.1", "localhost");
  const path = proxy.baseUrl().slice(proxy.url.length);
  const kms = await startLocalKms({ port: 0, logger: createLogger("warn"), extraCa: [ca], endpointServices: demoEndpointServices(proxy.url) });
  const sdk = new KMSClient({ endpoint: kms.url, region: "us-east-1", credentials: { accessKeyId: "demo", secretAccessKey: "demo" } });
  const client = new XksClient({ baseUrl: proxy.baseUrl(), region: "us-east-1", credential: old }, { ca });
  try {
    heading(`1. the mock XKS proxy at ${proxy.baseUrl()}, called as KMS calls it`);
    const health = await client.health({ kmsOperation: "UpdateCustomKeyStore" });
    show("GetHealthStatus", health);
    expect(health.status === 200, "200 with the health document");
    const meta = await client.metadata("foo");
    show("GetKeyMetadata foo", meta);
    expect((meta.json as { keySpec?: string }).keySpec === "AES_256", "AES_256, ENCRYPT+DECRYPT, ENABLED");
    const bad = await client.health({}, { credential: { accessKeyId: old.accessKeyId, secretAccessKey: "ThisIsNotTheSecretTheProxyHoldsForThisKeyId0" } });
    show("GetHealthStatus signed with a wrong secret", bad);
    expect(bad.status === 401, "401 AuthenticationFailedException");

    heading("2. xks-harness check: the new credential, before UpdateCustomKeyStore");
    const options: CheckOptions = {
      settings: { endpoint, path, ...fresh },
      current: { endpoint, path, ...old },
      region: "us-east-1",
      connectivity: "PUBLIC_ENDPOINT",
      keyIds: ["foo"],
      extraCa: [ca],
      dev: true,
      timeoutMs: 3000,
      verbose: false,
    };
    const paint = painter(false);
    out(`$ XKS_SECRET_ACCESS_KEY=<new secret> XKS_CURRENT_SECRET_ACCESS_KEY=<current secret> xks-harness check --endpoint ${endpoint} --path ${path} --access-key-id ${fresh.accessKeyId} --current-access-key-id ${old.accessKeyId} --key-id foo --ca ${proxy.caFile} --dev`);
    const good = await runCheck(options);
    out(toHuman(good, options, paint).trimEnd());
    expect(good.verdict === "pass", "check passes for a credential the proxy holds, reaching the same keys");
    const wrong: CheckOptions = { ...options, current: undefined, settings: { ...options.settings, secretAccessKey: randomBytes(32).toString("base64") } };
    out("\n$ XKS_SECRET_ACCESS_KEY=<a secret the proxy does not hold> xks-harness check … (same flags)");
    const failed = await runCheck(wrong);
    out(toHuman(failed, wrong, paint).trimEnd());
    expect(failed.predictedException === "XksProxyIncorrectAuthenticationCredentialException", "check fails and predicts XksProxyIncorrectAuthenticationCredentialException");
    // Kept after the run (a temp folder): the reader opens it in a browser.
    const htmlFile = join(mkdtempSync(join(tmpdir(), "xks-demo-report-")), "check-report.html");
    const html = checkHtml(failed, { endpoint, path, accessKeyId: fresh.accessKeyId, region: wrong.region, connectivity: wrong.connectivity, keyIds: wrong.keyIds });
    writeFileSync(htmlFile, html);
    out(`\n$ xks-harness check … (same flags) --html ${htmlFile}\nwrote the HTML report: ${htmlFile}`);
    expect(!html.includes(wrong.settings.secretAccessKey) && !html.includes(fresh.secretAccessKey), "the HTML report (verdict, prediction, checks, waterfall) holds no secret");

    heading("3. xks-harness conformance against the mock");
    const conformance = await runConformance({
      settings: { endpoint, path, ...old },
      region: "us-east-1",
      keyId: "foo",
      encryptOnlyKeyId: "encrypt_only_key",
      decryptOnlyKeyId: "decrypt_only_key",
      impotentKeyId: "impotent_key",
      disabledKeyId: "disabled_key",
      secondCredential: fresh,
      extraCa: [ca],
      timeoutMs: 3000,
    });
    for (const r of conformance.results.filter((x) => x.status !== "pass")) out(`  ${r.status.toUpperCase()} ${r.id}: ${r.actual}`);
    out(`  ${summaryLine(conformance)} (mTLS cases need --client-cert) in ${(conformance.ms / 1000).toFixed(1)} s`);
    expect(conformance.ok, "no MUST case failed");

    heading(`4. the local KMS at ${kms.url}, driven by the AWS SDK: a store on the OLD credential`);
    const { CustomKeyStoreId } = await sdk.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: "demo-store",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
        XksProxyUriEndpoint: endpoint,
        XksProxyUriPath: path,
        XksProxyConnectivity: "PUBLIC_ENDPOINT",
        XksProxyAuthenticationCredential: { AccessKeyId: old.accessKeyId, RawSecretAccessKey: old.secretAccessKey },
      }),
    );
    await sdk.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId }));
    await kms.idle();
    const key = await sdk.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId, XksKeyId: "foo", Description: "demo" }));
    await sdk.send(new CreateAliasCommand({ AliasName: "alias/demo", TargetKeyId: key.KeyMetadata!.KeyId! }));
    out(`  ${CustomKeyStoreId} CONNECTED; KMS key ${key.KeyMetadata!.KeyId} (alias/demo) → external key foo`);
    const secretData = randomBytes(48);
    const context = { purpose: "xks-harness demo" };
    const before = await sdk.send(new EncryptCommand({ KeyId: "alias/demo", Plaintext: secretData, EncryptionContext: context }));
    out(`  Encrypt (SDK, before the rotation): ${before.CiphertextBlob!.length} byte ciphertext blob`);

    heading("5. xks-harness update: the gated credential rotation");
    const report = await runUpdate({
      kms: sdk,
      store: { id: CustomKeyStoreId },
      wanted: { accessKeyId: fresh.accessKeyId, secretAccessKey: fresh.secretAccessKey },
      check: { region: "us-east-1", keyIds: ["foo"], extraCa: [ca], dev: true, timeoutMs: 3000, verbose: false },
      currentSecret: old.secretAccessKey,
      dryRun: false,
      allowDisconnect: false,
      connectTimeoutMs: 10_000,
      kmsEndpoint: kms.url,
      progress: (line) => out(`  ${line}`),
    });
    // As the aws CLI would send it (the secret as a placeholder).
    for (const line of report.plan ? planLines(report.plan, { region: "us-east-1", endpointUrl: kms.url }) : []) out(`  sent: ${line}`);
    out(`  update: ${report.outcome.toUpperCase()} — ${report.message}`);
    for (const line of report.settling ? settlingLines(report.settling) : []) out(`  ${line}`);
    expect(report.outcome === "updated", "UpdateCustomKeyStore ran only after every check passed, and the store verified");

    // AWS KMS may use the old credential for five minutes (the lines above); the local KMS switches at once.
    heading("6. the old credential is removed from the proxy (the local KMS switched at once); the KMS key keeps working");
    const rotated = parseProxyConfig({ ...input, keystores: [{ ...input.keystores[0]!, credentials: [fresh] }], port: 0, adminPort: null, logLevel: "warn" });
    await proxy.reload(rotated);
    const after = await sdk.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(after.Plaintext!).equals(secretData), "Decrypt (SDK) of the ciphertext made before the rotation returns the original data");
    const again = await sdk.send(new EncryptCommand({ KeyId: "alias/demo", Plaintext: secretData, EncryptionContext: context }));
    const back = await sdk.send(new DecryptCommand({ CiphertextBlob: again.CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(back.Plaintext!).equals(secretData), "Encrypt → Decrypt (SDK) through the rotated store");
    const stale = await client.health();
    expect(stale.status === 401, "the old credential is now refused by the proxy (401)");

    await mtlsStep(input, ca, proxy.caFile!, expect);
    await vpcStep({ heading, out, expect, kmsUrl: kms.url, caFile: proxy.caFile!, base: { settings: { endpoint, path, ...fresh }, region: "us-east-1", keyIds: [], extraCa: [ca], dev: true, timeoutMs: 3000, verbose: false } });
    await loadStep({ heading, out, expect, settings: { endpoint, path, ...fresh }, extraCa: [ca], keyId: "foo" });
    // The dev certificate names 127.0.0.1 too: a second endpoint of the same proxy, as a move to a new host would be.
    await terraformStep({ heading, out, expect, kmsUrl: kms.url, storeId: CustomKeyStoreId!, caFile: proxy.caFile!, settings: { endpoint, path, ...fresh }, newEndpoint: proxy.url, extraCa: [ca], keyId: "foo" });
  } finally {
    sdk.destroy();
    await client.close();
    await kms.stop();
    await proxy.stop();
  }
  out(failures === 0 ? "\ndemo: every step behaved as the XKS spec and KMS require" : `\ndemo: ${failures} unexpected result(s)`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
