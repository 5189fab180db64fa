/**
 * The connection flags, declared once: every command that takes a flag gets the same name, default and parsing;
 * a command picks its flags, in its order, and may word their help its own way.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { connectionFlags } from "./connection-flags.js";

const parse = (cmd: Command, argv: string[]) => cmd.exitOverride().configureOutput({ writeErr: () => {} }).parse(argv, { from: "user" }).opts();

describe("connectionFlags", () => {
  it("declares all of them with their defaults", () => {
    const cmd = connectionFlags(new Command("x"));
    expect(cmd.options.map((o) => o.long)).toEqual(["--endpoint", "--path", "--access-key-id", "--secret-file", "--proxy-config", "--region", "--key-id", "--ca", "--client-cert", "--client-key", "--dev", "--timeout-ms"]);
    expect(parse(cmd, [])).toEqual({ region: "us-east-1", keyId: [], ca: [], dev: false, timeoutMs: 3000 });
  });

  it("collects repeatable flags and parses --timeout-ms as an integer in range", () => {
    const cmd = connectionFlags(new Command("x"));
    expect(parse(cmd, ["--key-id", "a", "--key-id", "b", "--ca", "c.pem", "--timeout-ms", "500", "--dev"])).toMatchObject({ keyId: ["a", "b"], ca: ["c.pem"], timeoutMs: 500, dev: true });
    expect(() => parse(connectionFlags(new Command("y")), ["--timeout-ms", "0"])).toThrow();
  });

  it("adds only the flags asked for, in that order, with a command's own help text", () => {
    const cmd = connectionFlags(new Command("x"), ["region", "endpoint"], { endpoint: "new XksProxyUriEndpoint (default: unchanged)" });
    expect(cmd.options.map((o) => [o.long, o.description])).toEqual([
      ["--region", "region of the key store (KMS signs with it)"],
      ["--endpoint", "new XksProxyUriEndpoint (default: unchanged)"],
    ]);
  });
});
