/**
 * @module net/local-request
 * Whether a request was addressed to a listener on this machine: the rule the admin API and the local KMS apply
 * before anything can change. A web page can reach 127.0.0.1 two ways: DNS rebinding (its own name, now resolving to
 * 127.0.0.1, arrives as Host) and a plain cross-origin request from the browser (which carries Origin). Neither an
 * SDK, the AWS CLI, Terraform nor curl sends Origin, and they send the name they were given as Host.
 */
import type { IncomingHttpHeaders } from "node:http";

/** The names of this machine's loopback interface, as a Host header spells them. */
export const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"] as const;

/** Addresses that mean "every interface": they name no host a client could send. */
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

export interface LocalListener {
  port: number;
  /** The address it was told to listen on; besides the loopback names, a Host may name it. */
  host?: string | undefined;
}

/** The names a Host header may give for `listener`, lower case, IPv6 in brackets. */
export function acceptedHostNames(listener: LocalListener): string[] {
  const names: string[] = [...LOOPBACK_NAMES];
  const host = listener.host?.toLowerCase();
  if (!host || WILDCARD_HOSTS.has(host)) return names;
  const configured = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return names.includes(configured) ? names : [...names, configured];
}

/** A header value as it may be quoted in a refusal: printable ASCII, bounded. */
const quote = (value: string) => JSON.stringify(value.replace(/[^\x20-\x7e]/g, "?").slice(0, 100));

/**
 * Why a request is not a local client's (a sentence to put in the refusal), or undefined when its Host names the
 * listener (one of acceptedHostNames with its port; no port means 80) and it carries no Origin.
 */
export function foreignRequestProblem(headers: IncomingHttpHeaders, listener: LocalListener): string | undefined {
  if (headers.origin !== undefined) {
    return `the request carries Origin ${quote(headers.origin)}: a web page in a browser may not call this listener`;
  }
  const host = (headers.host ?? "").toLowerCase();
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(host)!;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  const names = acceptedHostNames(listener);
  if (port === listener.port && names.includes(m[1]!)) return undefined;
  const list = `${names.slice(0, -1).join(", ")} or ${names.at(-1)!}`;
  const what = host ? `Host ${quote(host)}` : "a request without Host";
  return (
    `${what} does not name this listener: it answers only to ${list} with port ${listener.port} ` +
    "(a page that rebinds its own name to 127.0.0.1 is refused this way)"
  );
}
