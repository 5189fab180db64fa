/**
 * @module harness/check/certificate-request
 * Whether a server asks for a client certificate, and which CAs it names, read from its first flight of a TLS 1.2
 * handshake: there the CertificateRequest travels in clear (RFC 5246 §7.4.4); in TLS 1.3 it is encrypted, and Node
 * tells a client nothing about it. The CA names are the DER distinguished names of `certificate_authorities`.
 */
import { x509 } from "../../src/pki/x509.js";

/** What the server's first flight said about client certificates; `requested` is null when the flight was not read to its end. */
export interface CertificateRequestSeen {
  requested: boolean | null;
  /** The CA names it sent (RFC 4514 strings), when it sent a CertificateRequest. */
  caNames: string[];
}

const RECORD_HANDSHAKE = 0x16;
const RECORD_CHANGE_CIPHER_SPEC = 0x14;
const SERVER_HELLO = 2;
const CERTIFICATE_REQUEST = 13;
const SERVER_HELLO_DONE = 14;
/** ServerHello's version field for TLS 1.2; a TLS 1.3 ServerHello says so in an extension, and then all is encrypted. */
const TLS12 = 0x0303;

/** The handshake bytes of the plaintext records at the start of `bytes` (before any ChangeCipherSpec). */
function handshakeStream(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = bytes[at]!;
    const length = bytes.readUInt16BE(at + 3);
    if (type === RECORD_CHANGE_CIPHER_SPEC || at + 5 + length > bytes.length) break;
    if (type === RECORD_HANDSHAKE) parts.push(bytes.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return Buffer.concat(parts);
}

function distinguishedNames(body: Buffer): string[] {
  let at = 1 + body[0]!; // certificate_types<1..2^8-1>
  at += 2 + body.readUInt16BE(at); // supported_signature_algorithms<2..2^16-2>
  const end = at + 2 + body.readUInt16BE(at);
  const names: string[] = [];
  for (at += 2; at + 2 <= end; ) {
    const length = body.readUInt16BE(at);
    const der = body.subarray(at + 2, at + 2 + length);
    try {
      names.push(new x509.Name(new Uint8Array(der)).toString());
    } catch {
      names.push(`(a name that is not DER: ${der.length} bytes)`);
    }
    at += 2 + length;
  }
  return names;
}

/** Reads the server's first flight from the bytes it sent; never throws on a short or odd stream. */
export function readCertificateRequest(bytes: Buffer): CertificateRequestSeen {
  const stream = handshakeStream(bytes);
  let tls12 = false;
  let caNames: string[] | undefined;
  for (let at = 0; at + 4 <= stream.length; ) {
    const type = stream[at]!;
    const length = stream.readUIntBE(at + 1, 3);
    if (at + 4 + length > stream.length) break;
    const body = stream.subarray(at + 4, at + 4 + length);
    if (type === SERVER_HELLO) tls12 = body.length >= 2 && body.readUInt16BE(0) === TLS12 && !isTls13Hello(body);
    if (type === CERTIFICATE_REQUEST && tls12) {
      try {
        caNames = distinguishedNames(body);
      } catch {
        caNames = [];
      }
    }
    if (type === SERVER_HELLO_DONE && tls12) return { requested: caNames !== undefined, caNames: caNames ?? [] };
    at += 4 + length;
  }
  return { requested: caNames !== undefined ? true : null, caNames: caNames ?? [] };
}

/** A TLS 1.3 ServerHello carries legacy_version 0x0303 too; its supported_versions extension (43) says 0x0304. */
function isTls13Hello(body: Buffer): boolean {
  try {
    let at = 2 + 32; // legacy_version, random
    at += 1 + body[at]!; // legacy_session_id_echo
    at += 2 + 1; // cipher_suite, legacy_compression_method
    const end = at + 2 + body.readUInt16BE(at);
    for (at += 2; at + 4 <= end; ) {
      const type = body.readUInt16BE(at);
      const length = body.readUInt16BE(at + 2);
      if (type === 43 && length === 2 && body.readUInt16BE(at + 4) === 0x0304) return true;
      at += 4 + length;
    }
  } catch {
    // A short hello is judged by its version field alone.
  }
  return false;
}
