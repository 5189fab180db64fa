/**
 * @module harness/check/checks/dns
 * Check 2: the endpoint's name resolves to an IPv4 address. KMS connects over IPv4 only, so a name with only
 * AAAA records is unreachable for it.
 */
import { lookup } from "node:dns/promises";
import { withTimeout, type CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";
import { libraryText } from "../../../src/error-words.js";

export async function dnsCheck(ctx: CheckContext): Promise<CheckResult> {
  const start = performance.now();
  const { host, isIp } = ctx.endpoint;
  const done = (r: Omit<CheckResult, "id" | "title" | "ms">): CheckResult => {
    const ms = performance.now() - start;
    ctx.timings.dnsMs = ms;
    return { id: "dns", title: CHECK_TITLES["dns"], ms, ...r };
  };
  if (isIp) {
    const v4 = !host.includes(":");
    if (v4) ctx.addresses = [host];
    return v4
      ? done({ status: "pass", detail: `${host} is an IPv4 literal; nothing to resolve` })
      : done({ status: "fail", detail: `${host} is an IPv6 literal; KMS connects over IPv4 only`, failure: "DnsFailure", fix: "give a DNS name with an A record" });
  }
  try {
    const all = await withTimeout(lookup(host, { all: true, verbatim: true }), ctx.options.timeoutMs, `resolving ${host}`);
    const v4 = all.filter((a) => a.family === 4).map((a) => a.address);
    const v6 = all.filter((a) => a.family === 6).map((a) => a.address);
    if (v4.length === 0) {
      return done({ status: "fail", detail: `${host} has only IPv6 addresses (${v6.join(", ")}); KMS connects over IPv4 only`, failure: "DnsFailure", fix: `add an A record for ${host}` });
    }
    ctx.addresses = v4;
    return done({ status: "pass", detail: `${host} → ${v4.join(", ")}${v6.length ? ` (also IPv6 ${v6.join(", ")}, unused by KMS)` : ""}`, data: { ipv4: v4, ipv6: v6 } });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "ERROR";
    ctx.verbose.push(`dns: ${libraryText(err)}`);
    const why = code === "ENOTFOUND" ? "no DNS record" : code === "EAI_AGAIN" ? "no DNS server answered" : code === "ETIMEDOUT" ? `no answer within ${ctx.options.timeoutMs} ms` : `lookup failed, ${code}`;
    return done({
      status: "fail",
      detail: `${host} does not resolve (${why})`,
      failure: code === "ETIMEDOUT" ? "Timeout" : "DnsFailure",
      fix: `check the spelling of the endpoint and that ${host} has a public A record`,
    });
  }
}
