/**
 * @module error-words
 * The one translation of the errors a user can meet (Node's errno codes, undici's, the TLS verify codes) into what
 * happened, in words, and what to do about it. Decided by the error's code and the fields Node sets on it (hostname,
 * address, port, the certificate), never by its message: OpenSSL's texts differ between Node 20 and 24. The
 * library's own code and message stay available for --verbose (libraryText).
 */

/** What happened and what to change. */
export interface ErrorWords {
  cause: string;
  fix: string;
}

/** Where the error happened, so the words can name it: the file, the host and port, the flag that chose them. */
export interface ErrorPlace {
  /** The file being read or written. */
  file?: string | undefined;
  /** Whether the file was being written (the fix of a permission error differs). @default "read" */
  access?: "read" | "write" | undefined;
  /** The host (and port) being called; taken from the error itself when Node recorded them. */
  host?: string | undefined;
  port?: number | string | undefined;
  /** The flag that named the file or the address, for the fix: "--ca", "--endpoint", "--kms-endpoint". */
  flag?: string | undefined;
  /** The flag that adds a trust anchor. @default "--ca" */
  caFlag?: string | undefined;
  /** The bound a timed-out call had. */
  timeoutMs?: number | undefined;
  /** What listens there, for "nothing listens": "the proxy", "KMS". @default "the service" */
  service?: string | undefined;
  /** The dates of the certificate, when the caller has it (a verify error does not carry it). */
  certificate?: CertificateDates | undefined;
}

interface ErrorFields {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  host?: unknown;
  cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } } | undefined;
  cause?: unknown;
  errors?: unknown;
}

/**
 * The innermost error that carries a string code: undici wraps Node's socket error in `cause`, a failed connect to
 * a name with several addresses is an AggregateError, the AWS SDK passes Node's error through with its code.
 */
function coded(err: unknown, depth = 0): ErrorFields | undefined {
  const e = err as ErrorFields | undefined;
  if (!e || typeof e !== "object" || depth > 4) return undefined;
  const inner = coded(e.cause, depth + 1) ?? (Array.isArray(e.errors) ? coded(e.errors[0], depth + 1) : undefined);
  // A wrapper's generic code (undici's UND_ERR_SOCKET around an ECONNRESET) says less than the cause's.
  if (inner && (typeof e.code !== "string" || e.code.startsWith("UND_ERR_SOCKET"))) return inner;
  return typeof e.code === "string" ? e : inner;
}

/** The error's code (Node's, undici's, OpenSSL's verify code), or its name (TimeoutError, AbortError), or undefined. */
export function errorCode(err: unknown): string | undefined {
  const e = coded(err);
  if (e) return e.code as string;
  const name = (err as ErrorFields | undefined)?.name;
  return typeof name === "string" && name !== "Error" ? name : undefined;
}

/** The library's own code and message, one line, for --verbose and for an error no rule below knows. */
export function libraryText(err: unknown): string {
  const e = (coded(err) ?? err) as ErrorFields | undefined;
  const message = typeof e?.message === "string" ? e.message : String(err);
  const code = typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : "Error";
  return `${code}: ${message.replace(/\s+/g, " ").trim()}`.slice(0, 300);
}

const FILE_WORDS: Record<string, (p: ErrorPlace) => ErrorWords> = {
  ENOENT: (p) =>
    p.access === "write"
      ? { cause: "its directory does not exist", fix: "create the directory, or write the file elsewhere" }
      : { cause: "no such file", fix: `check the path (a relative path is read from ${process.cwd()})` },
  EACCES: (p) => ({
    cause: "permission denied",
    fix: p.access === "write"
      ? "make the directory writable by this user, or write elsewhere"
      : "make the file readable by this user (ls -l shows its owner and mode), or copy it somewhere you can read",
  }),
  EPERM: () => ({
    cause: "the operating system does not permit it",
    fix: "check the file's owner and mode, or use a copy you own",
  }),
  EISDIR: () => ({ cause: "it is a directory", fix: "name a file, not a directory" }),
  ENOTDIR: () => ({ cause: "a part of the path is a file, not a directory", fix: "check the path" }),
  ENAMETOOLONG: () => ({ cause: "the path is too long", fix: "use a shorter path" }),
  ELOOP: () => ({ cause: "the path has a loop of symbolic links", fix: "point it at the real file" }),
  EMFILE: () => ({ cause: "this process has too many open files", fix: "raise the limit (ulimit -n) and run again" }),
  ENFILE: () => ({
    cause: "the system has too many open files",
    fix: "close other programs or raise the system limit, then run again",
  }),
  ENOSPC: () => ({ cause: "no space left on the device", fix: "free some space, or write elsewhere" }),
  EROFS: () => ({ cause: "the file system is read-only", fix: "write elsewhere" }),
};

/** host:port for messages, with an IPv6 address in brackets. */
function hostPort(host: string | undefined, port: unknown): string {
  const h = host && host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return h ? (port !== undefined && port !== "" ? `${h}:${String(port)}` : h) : "the server";
}

/** Host and port from the place, else from what Node recorded on the error. */
function where(e: ErrorFields | undefined, p: ErrorPlace): { host: string | undefined; at: string } {
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const host = p.host ?? str(e?.hostname) ?? str(e?.host) ?? str(e?.address);
  const port = p.port ?? (typeof e?.port === "number" || typeof e?.port === "string" ? e.port : undefined);
  return { host, at: hostPort(host, port) };
}

const orFlag = (p: ErrorPlace, what: string) => (p.flag ? `, or correct ${p.flag}` : what ? `, or ${what}` : "");

function networkWords(code: string, e: ErrorFields | undefined, p: ErrorPlace): ErrorWords | undefined {
  const { host, at } = where(e, p);
  const service = p.service ?? "the service";
  switch (code) {
    case "ENOTFOUND":
      return {
        cause: `the host name${host ? ` ${host}` : ""} does not resolve (no DNS record)`,
        fix: `check its spelling${p.flag ? ` in ${p.flag}` : ""}; \`nslookup ${host ?? "<host>"}\` must answer here`,
      };
    case "EAI_AGAIN":
      return {
        cause: `the DNS lookup of ${host ?? "the host name"} failed for now (no DNS server answered)`,
        fix: "check this machine's network and DNS settings, then run again",
      };
    case "ECONNREFUSED":
      return { cause: `nothing listens on ${at} (connection refused)`, fix: `start ${service} there${orFlag(p, "")}` };
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
    case "TimeoutError":
    case "AbortError":
      return {
        cause: `no answer from ${at}${p.timeoutMs ? ` within ${p.timeoutMs} ms` : " in time"}`,
        fix: `check that ${at} is reachable from here (firewall, security group, routing)`,
      };
    case "ECONNRESET":
      return {
        cause: `${at} reset the connection`,
        fix: `check ${service}'s log; a firewall, a load balancer or a plain-TCP port may be cutting the connection`,
      };
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return {
        cause: `${at} closed the connection without an answer`,
        fix: `check ${service}'s log for why it dropped the connection`,
      };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return {
        cause: `no route to ${at} from this machine`,
        fix: "check this machine's network, VPN and routing to that address",
      };
    case "ERR_INVALID_URL":
      return {
        cause: "the address is not a valid URL",
        fix: `give http(s)://host[:port]${p.flag ? ` in ${p.flag}` : ""}`,
      };
    default:
      return undefined;
  }
}

/** The names a certificate covers (its SAN, else its CN), from the error Node raises for a name mismatch. */
function certificateNames(e: ErrorFields | undefined): string | undefined {
  const san = e?.cert?.subjectaltname;
  if (typeof san === "string" && san) {
    return san
      .split(/,\s*/)
      .map((n) => n.replace(/^(DNS|IP Address):/, ""))
      .join(", ");
  }
  const cn = e?.cert?.subject?.CN;
  return typeof cn === "string" ? cn : undefined;
}

/** A certificate's validity dates, as Node prints them. */
export interface CertificateDates {
  validTo?: string | undefined;
  validFrom?: string | undefined;
}

function tlsWords(code: string, e: ErrorFields | undefined, p: ErrorPlace): ErrorWords | undefined {
  const { host, at } = where(e, p);
  const ca = p.caFlag ?? "--ca";
  const theirs = `the certificate ${at === "the server" ? "the server" : at} presented`;
  const untrusted: ErrorWords = {
    cause: `${theirs} is not signed by a CA you trust`,
    fix: `pass the CA that issued it with ${ca} (PEM), or have the server send its full chain up to a CA you trust`,
  };
  switch (code) {
    case "CERT_HAS_EXPIRED":
      return {
        cause: `${theirs} expired${p.certificate?.validTo ? ` on ${p.certificate.validTo}` : ""}`,
        fix: "renew the server's certificate",
      };
    case "CERT_NOT_YET_VALID":
      return {
        cause: `${theirs} is not valid yet${p.certificate?.validFrom ? ` (from ${p.certificate.validFrom})` : ""}`,
        fix: "check this machine's clock and the clock of the CA that issued it",
      };
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return {
        cause: `${theirs} is self-signed (it is its own issuer), and you do not trust it`,
        fix: `use a certificate from a CA you trust; for local use pass this certificate with ${ca}`,
      };
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return {
        cause: `the chain ${at} presented ends at a root CA you do not trust`,
        fix: `pass that root CA with ${ca}, or use a certificate from a CA you trust`,
      };
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "CERT_UNTRUSTED":
      return untrusted;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
    case "HOSTNAME_MISMATCH": {
      const names = certificateNames(e);
      const target = host ?? "the host called";
      return {
        cause: `${theirs} names ${names ?? "other hosts"}, not ${target}`,
        fix: `use a certificate whose SAN includes ${target}`,
      };
    }
    case "CERT_SIGNATURE_FAILURE":
    case "CERT_REJECTED":
    case "INVALID_CA":
    case "INVALID_PURPOSE":
    case "PATH_LENGTH_EXCEEDED":
    case "CERT_REVOKED":
      return {
        cause: `${theirs} cannot be used (${code.toLowerCase().replace(/_/g, " ")})`,
        fix: "reissue the server's certificate from a CA you trust, for server authentication",
      };
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "ERR_SSL_PACKET_LENGTH_TOO_LONG":
    case "ERR_SSL_HTTP_REQUEST":
      return {
        cause: `${at} does not answer TLS (a plain-HTTP or other port?)`,
        fix: `point${p.flag ? ` ${p.flag}` : " the address"} at the server's TLS port`,
      };
    case "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED":
      return {
        cause: `${at} requires a client certificate (mTLS) and none was presented`,
        fix: "pass --client-cert and --client-key",
      };
    case "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA":
    case "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE":
    case "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN":
    case "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED":
      return {
        cause: `${at} refused the client certificate presented`,
        fix: "present a certificate from a CA the server trusts (--client-cert, --client-key)",
      };
    default:
      if (code.startsWith("ERR_SSL_") || code === "EPROTO") {
        return {
          cause: `the TLS handshake with ${at} failed`,
          fix: `run \`xks-harness check\` against it: its tls check says which TLS setting does not match`,
        };
      }
      return undefined;
  }
}

/**
 * What happened and what to do, or undefined when no rule knows the error (the caller then shows libraryText).
 * `place.file` makes file codes (ENOENT, EACCES, ...) read as file problems.
 */
export function errorWords(err: unknown, place: ErrorPlace = {}): ErrorWords | undefined {
  const code = errorCode(err);
  if (!code) return undefined;
  const e = coded(err);
  if (place.file !== undefined && FILE_WORDS[code]) return FILE_WORDS[code](place);
  if (code === "EACCES" || code === "EPERM") return {
    cause: "permission denied",
    fix: "run as a user allowed to do this",
  };
  const fileWords = FILE_WORDS[code];
  return networkWords(code, e, place) ?? tlsWords(code, e, place) ?? fileWords?.(place);
}

/** One sentence for the user: the cause and "Fix: …", or the library's own text when no rule knows the error. */
export function describeError(err: unknown, place: ErrorPlace = {}): string {
  const w = errorWords(err, place);
  return w ? `${w.cause}. Fix: ${w.fix}` : `unexpected error (${libraryText(err)})`;
}
