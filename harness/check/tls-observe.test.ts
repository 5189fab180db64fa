import { describe, expect, it } from "vitest";
import { readServerBytes } from "./tls-observe.js";

/** A TLS record: type, version 3.3, length, body. */
const record = (type: number, body: number[]) => Buffer.from([type, 0x03, 0x03, body.length >> 8, body.length & 0xff, ...body]);

describe("readServerBytes: what the server's first bytes say", () => {
  it.each([
    { name: "a protocol_version alert", bytes: record(0x15, [2, 70]), answer: "tls", alert: "protocol_version" },
    { name: "a handshake_failure alert", bytes: record(0x15, [2, 40]), answer: "tls", alert: "handshake_failure" },
    { name: "an alert without a name here", bytes: record(0x15, [2, 200]), answer: "tls", alert: "alert 200" },
    { name: "a ServerHello and then an alert", bytes: Buffer.concat([record(0x16, [2, 0, 0, 0]), record(0x15, [2, 42])]), answer: "tls", alert: "bad_certificate" },
    { name: "an alert after ChangeCipherSpec (encrypted, unreadable)", bytes: Buffer.concat([record(0x16, [2]), record(0x14, [1]), record(0x15, [2, 40])]), answer: "tls", alert: null },
    { name: "a ServerHello cut short", bytes: record(0x16, [2, 0, 0, 0]).subarray(0, 3), answer: "tls", alert: null },
    { name: "an HTTP response", bytes: Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), answer: "http", alert: null },
    { name: "an SSH banner", bytes: Buffer.from("SSH-2.0-OpenSSH_9.6\r\n"), answer: "other", alert: null },
    { name: "nothing", bytes: Buffer.alloc(0), answer: "nothing", alert: null },
  ])("$name", ({ bytes, answer, alert }) => {
    expect(readServerBytes(bytes)).toMatchObject({ answer, alert });
  });

  it("keeps the first line of an answer that is not TLS, printable", () => {
    expect(readServerBytes(Buffer.from("SSH-2.0-x\u0001y\r\nmore")).firstText).toBe("SSH-2.0-x?y");
  });
});
