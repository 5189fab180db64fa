/**
 * @module harness/check/tls-observe
 * One TLS handshake whose bytes from the server are watched on the way in, so a failure is described by what the
 * server did (its first bytes, the TLS alert it sent, what was negotiated) rather than by the TLS library's error
 * strings, which change between OpenSSL versions (3.0 in Node 20, 3.5 in Node 24). The library's own error is
 * kept for --verbose only.
 */
import { connect as tcpConnect } from "node:net";
import { Duplex } from "node:stream";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { readCertificateRequest, type CertificateRequestSeen } from "./certificate-request.js";

export interface TlsTarget {
  /** Address to connect to. */
  address: string;
  port: number;
  /** SNI; omitted for an IP endpoint. */
  servername?: string | undefined;
}

/** What the server's first bytes were: a TLS record, an HTTP response, something else, or nothing at all. */
export type ServerAnswer = "tls" | "http" | "other" | "nothing";

export interface TlsObservation {
  ok: boolean;
  /** Negotiated version and suite (OpenSSL names, e.g. ECDHE-RSA-AES256-GCM-SHA384) when ok. */
  protocol: string | null;
  cipher: string | null;
  answer: ServerAnswer;
  /** The server's first bytes as printable text, for an answer that is not TLS. */
  firstText: string;
  /** The name (RFC 8446 §6) of the last unencrypted alert the server sent, e.g. "protocol_version". */
  alert: string | null;
  timedOut: boolean;
  /** The TLS library's error code and message: for --verbose, never for a decision. */
  raw: string | null;
  /** Whether the server asked for a client certificate, as far as its plaintext first flight (TLS 1.2) shows. */
  certificateRequest: CertificateRequestSeen;
}

/** TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2). */
const ALERT_NAMES: Record<number, string> = {
  0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow", 40: "handshake_failure",
  42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
  46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
  51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
  86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension",
  112: "unrecognized_name", 113: "bad_certificate_status_response", 115: "unknown_psk_identity",
  116: "certificate_required", 120: "no_application_protocol",
};

const RECORD_HANDSHAKE = 0x16;
const RECORD_ALERT = 0x15;
const RECORD_CHANGE_CIPHER_SPEC = 0x14;
/** How much of the server's stream is kept for reading records: a certificate chain fits well within it. */
const WATCH_BYTES = 64 * 1024;

/** Reads the plaintext records at the start of what the server sent: the kind of answer and the last alert. */
export function readServerBytes(bytes: Buffer): { answer: ServerAnswer; firstText: string; alert: string | null } {
  if (bytes.length === 0) return { answer: "nothing", firstText: "", alert: null };
  // The first line only (an HTTP status line, an SSH banner), printable.
  const firstText = bytes.subarray(0, 64).toString("latin1").split(/\r?\n/)[0]!.replace(/[^\x20-\x7e]/g, "?").trim();
  const first = bytes[0]!;
  const looksTls = (first === RECORD_HANDSHAKE || first === RECORD_ALERT) && (bytes.length < 2 || bytes[1] === 0x03);
  if (!looksTls) return { answer: firstText.startsWith("HTTP/") ? "http" : "other", firstText, alert: null };
  let alert: string | null = null;
  // Records are type(1) version(2) length(2) body; after ChangeCipherSpec the rest is encrypted and unreadable.
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = bytes[at]!;
    const length = bytes.readUInt16BE(at + 3);
    if (type === RECORD_CHANGE_CIPHER_SPEC) break;
    if (type === RECORD_ALERT && length === 2 && at + 7 <= bytes.length) {
      const description = bytes[at + 6]!;
      alert = ALERT_NAMES[description] ?? `alert ${description}`;
    }
    at += 5 + length;
  }
  return { answer: "tls", firstText: "", alert };
}

/**
 * A TCP connection wrapped in a stream that keeps a copy of the first WATCH_BYTES the server sends. node:tls reads
 * a net.Socket natively (no JS 'data' events), so the TLS layer is given this stream instead.
 */
function watchedConnection(target: TlsTarget): { stream: Duplex; received(): Buffer } {
  const raw = tcpConnect({ host: target.address, port: target.port });
  const seen: Buffer[] = [];
  let seenBytes = 0;
  const stream = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      raw.write(chunk, (err) => callback(err ?? null));
    },
    final(callback) {
      raw.end(() => callback());
    },
    destroy(err, callback) {
      raw.destroy();
      callback(err);
    },
  });
  raw.on("data", (chunk: Buffer) => {
    if (seenBytes < WATCH_BYTES) {
      seen.push(chunk);
      seenBytes += chunk.length;
    }
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on("end", () => stream.push(null));
  raw.on("error", (err) => stream.destroy(err));
  return { stream, received: () => Buffer.concat(seen).subarray(0, WATCH_BYTES) };
}

/** One handshake with `offer`, bounded by timeoutMs; never rejects. No request is ever sent on it. */
export function observeHandshake(target: TlsTarget, offer: ConnectionOptions, timeoutMs: number): Promise<TlsObservation> {
  return new Promise((resolve) => {
    const { stream, received } = watchedConnection(target);
    const socket = tlsConnect({ ...offer, socket: stream, ...(target.servername ? { servername: target.servername } : {}), rejectUnauthorized: false });
    let settled = false;
    const finish = (o: Pick<TlsObservation, "ok" | "protocol" | "cipher" | "timedOut" | "raw">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      stream.destroy();
      const bytes = received();
      resolve({ ...o, ...readServerBytes(bytes), certificateRequest: readCertificateRequest(bytes) });
    };
    const timer = setTimeout(() => finish({ ok: false, protocol: null, cipher: null, timedOut: true, raw: `no TLS handshake within ${timeoutMs} ms` }), timeoutMs);
    socket.once("secureConnect", () => finish({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name, timedOut: false, raw: null }));
    socket.once("error", (err: NodeJS.ErrnoException) => finish({ ok: false, protocol: null, cipher: null, timedOut: false, raw: `${err.code ?? "ERROR"}: ${err.message.trim()}` }));
    socket.once("close", () => finish({ ok: false, protocol: null, cipher: null, timedOut: false, raw: "connection closed during the handshake" }));
  });
}
