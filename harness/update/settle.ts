/**
 * @module harness/update/settle
 * What follows an applied UpdateCustomKeyStore. KMS documents that a change "can take up to five minutes" to be
 * fully effective (AWS KMS Developer Guide, "Edit external key store properties"): until then KMS may still sign
 * with the old credential, and call the old endpoint and path. So the old ones stay on the proxy until then; this
 * says until when, and how to see that KMS has switched. Pure: the time comes in as an argument.
 */
import type { StoreSnapshot } from "./plan.js";

/** How long KMS may go on using the previous values after UpdateCustomKeyStore. */
export const KMS_SETTLE_MS = 5 * 60_000;

export interface Settling {
  /** When the update's calls had all returned (ISO 8601 UTC). */
  updatedAt: string;
  /** updatedAt + five minutes: until then KMS may use the previous values. */
  fullyEffectiveBy: string;
  /** The access key id KMS may still sign with until fullyEffectiveBy; null when the id did not change. */
  oldAccessKeyId: string | null;
  newAccessKeyId: string;
  /** When the old credential may leave the proxy (= fullyEffectiveBy); null when the access key id did not change. */
  oldCredentialKeepUntil: string | null;
  /**
   * The id stayed but the secret may have changed (the update always sends it whole; only a known current secret
   * tells): KMS may sign with the previous secret under the same id until fullyEffectiveBy.
   */
  secretMayHaveChanged: boolean;
  /** The endpoint + path KMS may still call until fullyEffectiveBy, when they changed. */
  oldUri: string | null;
}

/** `sameSecret`: whether the new secret is the current one, when the current one is known (--continuity). */
export function settlingOf(
  before: StoreSnapshot,
  after: StoreSnapshot,
  updatedAt: Date,
  sameSecret: boolean | undefined,
): Settling {
  const until = new Date(updatedAt.getTime() + KMS_SETTLE_MS).toISOString();
  const rotated = before.accessKeyId !== after.accessKeyId;
  const oldUri = `${before.endpoint}${before.path}`;
  return {
    updatedAt: updatedAt.toISOString(),
    fullyEffectiveBy: until,
    oldAccessKeyId: rotated ? before.accessKeyId : null,
    newAccessKeyId: after.accessKeyId,
    oldCredentialKeepUntil: rotated ? until : null,
    secretMayHaveChanged: !rotated && sameSecret !== true,
    oldUri: oldUri !== `${after.endpoint}${after.path}` ? oldUri : null,
  };
}

/** `2026-12-08 03:45:12 +01:00`: the same instant on this machine's clock, for the person at the keyboard. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const offset = -d.getTimezoneOffset();
  const two = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const zone = `${offset < 0 ? "-" : "+"}${two(offset / 60)}:${two(offset % 60)}`;
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${date} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
}

/** How to see which credential KMS signs with: the mock's admin API, or another proxy's access log. */
export function switchCheck(newId: string, oldId: string): string {
  return (
    `To see that KMS has switched: every request it sends is signed with access key id ${newId}, none with ${oldId}. ` +
    "xks-mock: curl -s -H \"Authorization: Bearer $(cat <the admin token file its banner names>)\" " +
    "http://localhost:8444/keystores shows " +
    `per credential lastAuthenticatedAt; ${oldId}'s stops advancing. Another proxy: its access log, by the access ` +
    "key id of each request (SigV4 Credential=<id>/…)."
  );
}

/** The lines `update` prints after an applied update. */
export function settlingLines(s: Settling): string[] {
  const when = `${s.fullyEffectiveBy.replace(/\.\d{3}Z$/, "Z")} (${localTime(s.fullyEffectiveBy)} here)`;
  const lines: string[] = [];
  if (s.oldAccessKeyId !== null) {
    lines.push(
      `KMS may go on signing with the old credential (access key id ${s.oldAccessKeyId}) for up to five minutes: ` +
        `keep it on the proxy until ${when}, then remove it.`,
    );
    lines.push(switchCheck(s.newAccessKeyId, s.oldAccessKeyId));
  } else if (s.secretMayHaveChanged) {
    lines.push(
      "The access key id is unchanged: if the secret changed, KMS may sign with the previous secret for up to five " +
        `minutes, until ${when}, and a proxy that accepts only the new one refuses those calls. A new access key id ` +
        "lets the proxy hold both.",
    );
  }
  if (s.oldUri !== null) {
    lines.push(`KMS may go on calling the old endpoint and path (${s.oldUri}) for up to five minutes: keep them ` +
      `serving until ${when}.`);
  }
  if (lines.length === 0) lines.push(`KMS may take up to five minutes, until ${when}, to use the new values.`);
  return lines;
}
