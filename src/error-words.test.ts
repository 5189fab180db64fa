import { readFileSync } from "node:fs";
import { lookup } from "node:dns/promises";
import { connect, createServer, type AddressInfo } from "node:net";
import { checkServerIdentity } from "node:tls";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { describeError, errorCode, errorWords, libraryText } from "./error-words.js";

/** The error a real call throws. */
async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

async function refusedConnection(): Promise<{ err: unknown; port: number }> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const socket = connect({ host: "127.0.0.1", port });
  const [err] = await once(socket, "error").catch((e: unknown) => [e]);
  return { err, port };
}

describe("errorWords: the cause in words and the fix, from the code Node sets", () => {
  it("a file that is not there", async () => {
    const err = await thrown(() => readFileSync("/nonexistent/nope.pem"));
    expect(describeError(err, { file: "/nonexistent/nope.pem", flag: "--ca" })).toBe(`no such file. Fix: check the path (a relative path is read from ${process.cwd()})`);
  });

  it("nothing listening, with host and port taken from the error", async () => {
    const { err, port } = await refusedConnection();
    expect(errorCode(err)).toBe("ECONNREFUSED");
    expect(errorWords(err, { flag: "--endpoint", service: "the proxy" })).toEqual({
      cause: `nothing listens on 127.0.0.1:${port} (connection refused)`,
      fix: "start the proxy there, or correct --endpoint",
    });
  });

  it("a host name that does not resolve", async () => {
    const err = await thrown(() => lookup("nosuchhost.invalid"));
    expect(errorWords(err, { flag: "--endpoint" })?.cause).toMatch(/^(the host name nosuchhost\.invalid does not resolve \(no DNS record\)|the DNS lookup of nosuchhost\.invalid failed for now)/);
  });

  it("a certificate for another host names both", () => {
    const err = checkServerIdentity("xks.example.com", { subject: { CN: "other.example" }, subjectaltname: "DNS:other.example, DNS:www.other.example" } as never);
    expect(errorWords(err)).toEqual({
      cause: "the certificate xks.example.com presented names other.example, www.other.example, not xks.example.com",
      fix: "use a certificate whose SAN includes xks.example.com",
    });
    expect(libraryText(err)).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match/);
  });

  it.each([
    ["CERT_HAS_EXPIRED", "the certificate xks.example.com:443 presented expired on Jan 1 00:00:00 2020 GMT", "renew the server's certificate"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "the certificate xks.example.com:443 presented is not signed by a CA you trust", "pass the CA that issued it with --ca (PEM), or have the server send its full chain up to a CA you trust"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "the certificate xks.example.com:443 presented is self-signed (it is its own issuer), and you do not trust it", "use a certificate from a CA you trust; for local use pass this certificate with --ca"],
  ])("verify code %s", (code, cause, fix) => {
    const err = Object.assign(new Error("library text"), { code });
    expect(errorWords(err, { host: "xks.example.com", port: 443, certificate: { validTo: "Jan 1 00:00:00 2020 GMT" } })).toEqual({ cause, fix });
  });

  it("undici's wrapper defers to the socket error in its cause", () => {
    const inner = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const outer = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET", cause: inner });
    expect(errorCode(outer)).toBe("ECONNRESET");
  });

  it("an error no rule knows keeps the library's text, marked as unexpected", () => {
    expect(describeError(Object.assign(new Error("boom"), { code: "EWHATEVER" }))).toBe("unexpected error (EWHATEVER: boom)");
    expect(errorWords(new Error("plain"))).toBeUndefined();
  });
});
