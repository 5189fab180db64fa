/**
 * The parts of `conformance --image` that need no Docker: flag checking (imageSpec) and the host-side readiness
 * probe (waitUntilAnswering) against real sockets on 127.0.0.1. They live with the container tests because they
 * test harness/conformance/container.ts; they run wherever `npm run test:container` runs.
 */
import { once } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { UsageError } from "../../harness/common/usage-error.js";
import type { ConformanceFlags } from "../../harness/conformance/flags.js";
import { imageSpec, waitUntilAnswering } from "../../harness/conformance/container.js";
import { DEV_PKI_FILES } from "../../src/pki/dev-pki-files.js";

const flags = (f: Partial<ConformanceFlags>) => ({ image: "proxy:1", imagePort: 443, imageEnv: [], imageConfigPath: "/config/config.json", imageFile: [], ...f }) as ConformanceFlags;

describe("imageSpec", () => {
  let dir: string;
  let keyFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "xks-image-spec-"));
    keyFile = join(dir, "a:b.key.pem");
    writeFileSync(keyFile, "key");
    chmodSync(keyFile, 0o600);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes K=V as it is and a bare K from the harness's environment, like docker run -e", () => {
    const spec = imageSpec(flags({ imageEnv: ["A=1", "B=x=y", "EMPTY=", "SECRET"] }), { SECRET: "from-env" });
    expect(spec.env).toEqual({ A: "1", B: "x=y", EMPTY: "", SECRET: "from-env" });
  });

  it.each([
    [["1A=x"], /--image-env 1A=x: expected NAME=VALUE or NAME/],
    [["=x"], /--image-env =x: expected NAME=VALUE or NAME/],
    [["UNSET_HERE"], /--image-env UNSET_HERE: \$UNSET_HERE is not set here/],
  ])("refuses --image-env %j", (imageEnv, message) => {
    expect(() => imageSpec(flags({ imageEnv }), {})).toThrow(UsageError);
    expect(() => imageSpec(flags({ imageEnv }), {})).toThrow(message);
  });

  it("splits --image-file at the last colon before the absolute destination, and makes the copy readable by all", () => {
    const spec = imageSpec(flags({ imageFile: [`${keyFile}:/app/certs/server.key.pem`], imageConfig: keyFile }), {});
    expect(spec.files).toEqual([
      { source: keyFile, target: "/config/config.json", mode: 0o644 },
      { source: keyFile, target: "/app/certs/server.key.pem", mode: 0o644 },
    ]);
    expect(spec.port).toBe(443);
  });

  it("takes --image-ca-path as an absolute file path in the container, and refuses anything else", () => {
    expect(imageSpec(flags({ imageCaPath: "/app/certs/ca.pem" }), {}).caPath).toBe("/app/certs/ca.pem");
    expect(imageSpec(flags({}), {}).caPath).toBeUndefined();
    for (const imageCaPath of ["certs/ca.pem", "/app/certs/"]) {
      expect(() => imageSpec(flags({ imageCaPath }), {})).toThrow(`--image-ca-path ${imageCaPath}: expected the absolute path of a file in the container`);
    }
  });

  it.each([
    [`KEY:relative/path`, /expected SRC:DEST with DEST an absolute path/],
    [`KEY:/dir/`, /must be an absolute file path/],
    [`/no/such/file:/x`, /cannot read --image-file \/no\/such\/file: no such file\. Fix: check the path/],
    [`DIR:/x`, /not a regular file/],
  ])("refuses --image-file %s", (entry, message) => {
    const imageFile = [entry.replace("KEY", keyFile).replace("DIR", dir)];
    expect(() => imageSpec(flags({ imageFile }), {})).toThrow(message);
  });
});

describe("waitUntilAnswering", () => {
  const servers: Server[] = [];
  const listen = async (server: Server) => {
    servers.push(server.listen(0, "127.0.0.1"));
    await once(server, "listening");
    return (server.address() as AddressInfo).port;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });
  const pem = (f: keyof typeof DEV_PKI_FILES) => readFileSync(join(inject("pkiDir"), DEV_PKI_FILES[f]));

  it("is satisfied by a TLS handshake (the certificate is the suite's business, not readiness's)", async () => {
    const port = await listen(createTlsServer({ cert: pem("serverCert"), key: pem("serverKey") }, (s) => s.end()));
    expect(await waitUntilAnswering({ host: "127.0.0.1", port }, performance.now() + 5_000, async () => undefined)).toEqual({ answered: true });
  });

  it("is not satisfied by a port that accepts and closes (Docker's port proxy before the proxy listens)", async () => {
    const port = await listen(createNetServer((s) => s.destroy()));
    const start = performance.now();
    const readiness = await waitUntilAnswering({ host: "127.0.0.1", port }, start + 1_500, async () => undefined);
    expect(readiness).toEqual({ answered: false, gone: false, lastTry: expect.stringMatching(/^(ECONNRESET|EPIPE|ERR_)/) });
    expect(performance.now() - start).toBeLessThan(4_000);
  });

  it("stops at once when the container is gone", async () => {
    const port = await listen(createNetServer((s) => s.destroy()));
    const start = performance.now();
    expect(await waitUntilAnswering({ host: "127.0.0.1", port }, start + 60_000, async () => "exited with code 3")).toEqual({ answered: false, gone: true, why: "exited with code 3" });
    expect(performance.now() - start).toBeLessThan(3_000);
  });
});
