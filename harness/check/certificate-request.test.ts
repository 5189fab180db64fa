/**
 * The TLS 1.2 first flight as bytes: a CertificateRequest's CA names decoded, a flight without one, a TLS 1.3
 * hello (the rest is encrypted, so nothing is known), and short or odd streams that must not throw.
 */
import { describe, expect, it } from "vitest";
import { x509 } from "../../src/pki/x509.js";
import { readCertificateRequest } from "./certificate-request.js";

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const message = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
const record = (body: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x03]), u16(body.length), body]);

function serverHello(tls13 = false): Buffer {
  const ext = tls13 ? Buffer.concat([u16(43), u16(2), u16(0x0304)]) : Buffer.alloc(0);
  return message(2, Buffer.concat([u16(0x0303), Buffer.alloc(32), Buffer.from([0]), u16(0xc030), Buffer.from([0]), u16(ext.length), ext]));
}

function certificateRequest(names: string[]): Buffer {
  const dns = Buffer.concat(names.map((n) => Buffer.from(new x509.Name(n).toArrayBuffer())).map((d) => Buffer.concat([u16(d.length), d])));
  return message(13, Buffer.concat([Buffer.from([1, 1]), u16(2), u16(0x0401), u16(dns.length), dns]));
}

const done = message(14, Buffer.alloc(0));

describe("readCertificateRequest", () => {
  it("decodes the CA names of a CertificateRequest, split over two records", () => {
    const flight = Buffer.concat([serverHello(), certificateRequest(["CN=xks-harness dev CA", "CN=Other CA, O=Example"]), done]);
    const bytes = Buffer.concat([record(flight.subarray(0, 50)), record(flight.subarray(50))]);
    expect(readCertificateRequest(bytes)).toEqual({ requested: true, caNames: ["CN=xks-harness dev CA", "CN=Other CA, O=Example"] });
  });

  it("a flight that ends without a CertificateRequest: not requested", () => {
    expect(readCertificateRequest(record(Buffer.concat([serverHello(), done])))).toEqual({ requested: false, caNames: [] });
  });

  it("a TLS 1.3 hello: unknown, whatever follows", () => {
    expect(readCertificateRequest(record(Buffer.concat([serverHello(true), certificateRequest(["CN=x"]), done])))).toEqual({ requested: null, caNames: [] });
  });

  it.each([
    { name: "nothing", bytes: Buffer.alloc(0) },
    { name: "half a record", bytes: record(serverHello()).subarray(0, 20) },
    { name: "an alert", bytes: Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]) },
    { name: "a truncated CertificateRequest body", bytes: record(Buffer.concat([serverHello(), message(13, Buffer.from([5])), done])) },
  ])("$name: no exception", ({ bytes }) => {
    expect(() => readCertificateRequest(bytes)).not.toThrow();
  });
});
