/**
 * The file `--image-ca-path` copies out of a container, read from the tar archive the container API sends: real
 * archives made by tar(1) in the formats such archives come in (ustar, PAX and GNU long names), links and
 * directories refused by name, and what copyCertificateOut makes of a missing path or a file that is no certificate.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../harness/common/usage-error.js";
import { copyCertificateOut, fileFromTar } from "../harness/conformance/container-file.js";
import { pem } from "./helpers/proxy-fixture.js";

let dir: string;
const LONG = `${"a-very-long-directory-name-".repeat(4)}x`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-container-file-"));
  writeFileSync(join(dir, "ca.pem"), pem("caCert"));
  writeFileSync(join(dir, "notes.txt"), "not a certificate\n");
  mkdirSync(join(dir, LONG));
  writeFileSync(join(dir, LONG, "ca.pem"), pem("caCert"));
  symlinkSync("ca.pem", join(dir, "link.pem"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tar archive of one path under `dir`, as tar(1) writes it in `format`. */
const tarOf = (path: string, format: "ustar" | "pax" | "gnu") => execFileSync("tar", [`--format=${format}`, "-C", dir, "-cf", "-", path]);

describe("fileFromTar", () => {
  it.each(["ustar", "pax", "gnu"] as const)("reads the one file of a %s archive", (format) => {
    expect(fileFromTar(tarOf("ca.pem", format)).toString("utf8")).toBe(pem("caCert"));
  });

  it.each([
    ["pax", "x"],
    ["gnu", "L"],
  ] as const)("skips the %s long-name header (type %s) before the file", (format, type) => {
    const archive = tarOf(join(LONG, "ca.pem"), format);
    expect(String.fromCharCode(archive[156]!)).toBe(type);
    expect(fileFromTar(archive).toString("utf8")).toBe(pem("caCert"));
  });

  it("refuses a symbolic link, naming its target", () => {
    expect(() => fileFromTar(tarOf("link.pem", "ustar"))).toThrow("is a symbolic link to ca.pem, not a file: give the path of the file itself");
  });

  it("refuses a directory", () => {
    expect(() => fileFromTar(tarOf(LONG, "gnu"))).toThrow(/^is a directory, not a file/);
  });

  it("refuses what is not a tar archive, and an empty one", () => {
    expect(() => fileFromTar(Buffer.from("x".repeat(2048)))).toThrow(/is not a tar archive/);
    expect(() => fileFromTar(Buffer.alloc(1024))).toThrow("came out as an empty archive");
  });
});

describe("copyCertificateOut", () => {
  const from = (archive: Buffer) => async () => Readable.from([archive.subarray(0, 700), archive.subarray(700)]);

  it("returns the PEM of the file at the path", async () => {
    expect(await copyCertificateOut(from(tarOf("ca.pem", "pax")), "/app/certs/ca.pem")).toBe(pem("caCert"));
  });

  it("a path not in the container, or not a certificate, is bad usage naming the flag and the path", async () => {
    const notFound = async () => {
      throw Object.assign(new Error("(HTTP code 404) no such container - Could not find the file /nope in container"), { statusCode: 404 });
    };
    await expect(copyCertificateOut(notFound, "/nope")).rejects.toThrow(new UsageError("--image-ca-path /nope: is not in the container"));
    await expect(copyCertificateOut(from(tarOf("notes.txt", "ustar")), "/etc/notes.txt")).rejects.toThrow(new UsageError("--image-ca-path /etc/notes.txt: is not a PEM certificate"));
    await expect(copyCertificateOut(from(tarOf("link.pem", "ustar")), "/app/link.pem")).rejects.toThrow(/^--image-ca-path \/app\/link\.pem: is a symbolic link to ca\.pem/);
  });

  it("stops reading past the size bound", async () => {
    function* zeros() {
      for (;;) yield Buffer.alloc(64 * 1024);
    }
    const endless = async () => Readable.from(zeros());
    await expect(copyCertificateOut(endless, "/dev/zero")).rejects.toThrow(/^--image-ca-path \/dev\/zero: is larger than \d+ bytes/);
  });
});
