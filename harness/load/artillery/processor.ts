/**
 * @module harness/load/artillery/processor
 * The Artillery processor `xks-harness load --emit-artillery` writes (compiled, with the Node-only modules it
 * imports). Each virtual user sends one XKS request as KMS would: a fresh X-Amz-Date and signature, a unique
 * kmsRequestId, the requestMetadata of its KMS operation (kmsKeyArn, awsPrincipalArn, kmsOperation, taken in turn
 * as `load` takes them), random plaintext and AAD. Every answer is checked; a non-200, a late answer (over the
 * budget: a KMS timeout), a throttle or a wrong answer fails the virtual user, so it is an error in Artillery's
 * report (`errors.WrongAnswer: …`) and counts against `ensure.maxErrorRate`; counters `xks.<outcome>.<op>` and
 * histograms `xks.latency[.<op>]` (ms, from signing to the checked answer) add KMS's view.
 * The credential comes from the environment only (XKS_ACCESS_KEY_ID, XKS_SECRET_ACCESS_KEY); an mTLS client
 * certificate from the files XKS_CLIENT_CERT and XKS_CLIENT_KEY name. The plan (keys, mix, sizes) is the
 * scenario's `config.variables.xks`; decrypts use the ciphertexts its `before` flow made. Answers are verified by
 * src/xks/answers.ts and classified by src/xks/kms-outcome.ts, as `load` verifies and classifies them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { CDIV_ALGORITHM, ENCRYPTION_ALGORITHM } from "../../../src/xks/constants.js";
import { verifyDecryptAnswer, verifyEncryptAnswer, verifyHealthAnswer, verifyMetadataAnswer, type AnswerCheck } from "../../../src/xks/answers.js";
import { answerResult, classifyAnswer, WRONG_ANSWER, type Failed } from "../../../src/xks/kms-outcome.js";
import type { XksCredential } from "../../../src/xks/sigv4/sign.js";
import { signXksHeaders } from "../../../src/xks/sigv4/sign-headers.js";
import type { LoadOperation } from "../options.js";

/** What the emitter writes into `config.variables.xks`. */
export interface ArtilleryPlan {
  region: string;
  keys: { id: string; arn: string }[];
  principalArn: string;
  kmsOperations: Record<LoadOperation, readonly string[]>;
  plaintextBytes: number;
  aadBytes: number;
  budgetMs: number;
}

/** A warm-up ciphertext with what its decrypt must send and get back (in memory only, never written). */
interface Sealed {
  keyIndex: number;
  plaintext: string;
  aad: string;
  fields: Record<string, string>;
}

interface Vars {
  xks: ArtilleryPlan;
  target: string;
  xksSealed?: Sealed[];
}
interface Context {
  vars: Vars;
}
interface Emitter {
  emit(event: string, ...args: unknown[]): void;
}
type RequestParams = Record<string, unknown> & { url: string; headers?: Record<string, string>; https?: Record<string, unknown> };
type Done = (err?: Error | null) => void;

interface Pending {
  op: LoadOperation;
  startedMs: number;
  /** Why a 200 answer is wrong (answers.ts), or undefined. */
  check(json: unknown): Failed | undefined;
  seal?: Sealed;
}
const pending = new WeakMap<object, Pending>();
/** Per-operation counters: which key, KMS operation and ciphertext come next, as `load` takes them in turn. */
const turns: Record<LoadOperation | "seal", number> = { encrypt: 0, decrypt: 0, metadata: 0, health: 0, seal: 0 };

class HookError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** What every request of the run shares, read once (the environment, the certificate files, the target). */
interface Resolved {
  credential: XksCredential | undefined;
  mtls: { certificate: string; key: string } | undefined;
  /** The target's origin (scheme, host, port) and its path without a trailing slash: the base of every URL. */
  base: string;
  host: string;
  basePath: string;
}
let resolved: Resolved | undefined;

function resolveRun(target: string): Resolved {
  const { XKS_ACCESS_KEY_ID: accessKeyId, XKS_SECRET_ACCESS_KEY: secretAccessKey, XKS_CLIENT_CERT: cert, XKS_CLIENT_KEY: key } = process.env;
  const url = new URL(target);
  const basePath = url.pathname.replace(/\/+$/, "");
  return {
    credential: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    mtls: cert && key ? { certificate: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") } : undefined,
    base: url.origin + basePath,
    host: url.host,
    basePath,
  };
}

const b64 = (n: number) => randomBytes(n).toString("base64");

function wrongOf<T>(check: AnswerCheck<T>, what: string): Failed | undefined {
  const r = answerResult(check, what);
  return r.ok ? undefined : r;
}

/** Turns Artillery's request into the signed XKS request: URL, body, headers (and the mTLS certificate). */
function prepare(req: RequestParams, context: Context, op: LoadOperation, path: string, body: Record<string, unknown>, p: Omit<Pending, "op" | "startedMs">, next: Done): void {
  const r = (resolved ??= resolveRun(context.vars.target));
  if (!r.credential) return next(new HookError("MissingCredential: set XKS_ACCESS_KEY_ID and XKS_SECRET_ACCESS_KEY in the environment of artillery"));
  const text = JSON.stringify(body);
  req.url = r.base + path;
  req.body = text;
  delete req.json;
  req.headers = { ...req.headers, ...signXksHeaders({ host: r.host, path: r.basePath + path, body: text, region: context.vars.xks.region, credential: r.credential, date: new Date() }) };
  if (r.mtls) req.https = { ...req.https, ...r.mtls };
  pending.set(req, { op, startedMs: performance.now(), ...p });
  next();
}

function metadataOf(plan: ArtilleryPlan, op: LoadOperation, i: number, keyIndex: number) {
  const kmsOperation = plan.kmsOperations[op][i % plan.kmsOperations[op].length]!;
  if (op === "health") return { kmsRequestId: randomUUID(), kmsOperation };
  return { kmsRequestId: randomUUID(), kmsOperation, kmsKeyArn: plan.keys[keyIndex]!.arn, awsPrincipalArn: plan.principalArn };
}

const keyPath = (plan: ArtilleryPlan, keyIndex: number, op: string) => `/keys/${encodeURIComponent(plan.keys[keyIndex]!.id)}/${op}`;

function encryptTo(req: RequestParams, context: Context, kmsOperation: string | undefined, seal: boolean, next: Done): void {
  const plan = context.vars.xks;
  const i = seal ? turns.seal++ : turns.encrypt++;
  const keyIndex = i % plan.keys.length;
  const plaintext = b64(plan.plaintextBytes);
  const aad = plan.aadBytes > 0 ? b64(plan.aadBytes) : "";
  const requestMetadata = { ...metadataOf(plan, "encrypt", i, keyIndex), ...(kmsOperation ? { kmsOperation } : {}) };
  const body = { requestMetadata, plaintext, encryptionAlgorithm: ENCRYPTION_ALGORITHM, ...(aad ? { additionalAuthenticatedData: aad } : {}), ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM };
  const expect = { plaintextBytes: plan.plaintextBytes, aad: aad ? Buffer.from(aad, "base64") : undefined, cdivAsked: true };
  const check = (json: unknown) => wrongOf(verifyEncryptAnswer(json, expect), "encrypt answer");
  const sealed: Sealed = { keyIndex, plaintext, aad, fields: {} };
  prepare(req, context, "encrypt", keyPath(plan, keyIndex, "encrypt"), body, { check, ...(seal ? { seal: sealed } : {}) }, next);
}

/** Encrypt, as KMS's Encrypt, GenerateDataKey and ReEncrypt call it. */
export function encryptRequest(req: RequestParams, context: Context, _ee: Emitter, next: Done): void {
  encryptTo(req, context, undefined, false, next);
}

/** The `before` flow's encrypts (GenerateDataKey): their ciphertexts feed the decrypts. */
export function sealRequest(req: RequestParams, context: Context, _ee: Emitter, next: Done): void {
  encryptTo(req, context, "GenerateDataKey", true, next);
}

export function decryptRequest(req: RequestParams, context: Context, _ee: Emitter, next: Done): void {
  const plan = context.vars.xks;
  const sealed = context.vars.xksSealed ?? [];
  if (sealed.length === 0) return next(new HookError("NoCiphertexts: the scenario's before flow made none; decrypts need it"));
  const i = turns.decrypt++;
  const s = sealed[i % sealed.length]!;
  const body = { requestMetadata: metadataOf(plan, "decrypt", i, s.keyIndex), encryptionAlgorithm: ENCRYPTION_ALGORITHM, ...s.fields, ...(s.aad ? { additionalAuthenticatedData: s.aad } : {}) };
  const expect = { ciphertextBytes: plan.plaintextBytes, matches: (text: string) => text === s.plaintext };
  const check = (json: unknown) => wrongOf(verifyDecryptAnswer(json, expect), "decrypt answer");
  prepare(req, context, "decrypt", keyPath(plan, s.keyIndex, "decrypt"), body, { check }, next);
}

export function metadataRequest(req: RequestParams, context: Context, _ee: Emitter, next: Done): void {
  const plan = context.vars.xks;
  const i = turns.metadata++;
  const keyIndex = i % plan.keys.length;
  prepare(req, context, "metadata", keyPath(plan, keyIndex, "metadata"), { requestMetadata: metadataOf(plan, "metadata", i, keyIndex) }, { check: (json) => wrongOf(verifyMetadataAnswer(json), "metadata answer") }, next);
}

export function healthRequest(req: RequestParams, context: Context, _ee: Emitter, next: Done): void {
  const plan = context.vars.xks;
  prepare(req, context, "health", "/health", { requestMetadata: metadataOf(plan, "health", turns.health++, 0) }, { check: (json) => wrongOf(verifyHealthAnswer(json), "health answer") }, next);
}

function parse(body: unknown): unknown {
  try {
    return JSON.parse(String(body));
  } catch {
    return undefined;
  }
}

/** Checks an answer as KMS would and records it; a failure ends the virtual user with an error. */
export function verifyAnswer(req: RequestParams, res: { statusCode: number; body: unknown }, context: Context, ee: Emitter, next: Done): void {
  const p = pending.get(req);
  if (!p) return next(new HookError("Unsigned: verifyAnswer without one of the processor's request hooks"));
  pending.delete(req);
  const ms = performance.now() - p.startedMs;
  ee.emit("histogram", "xks.latency", ms);
  ee.emit("histogram", `xks.latency.${p.op}`, ms);
  const fail = (outcome: string, code: string) => {
    ee.emit("counter", `xks.${outcome}.${p.op}`, 1);
    next(new HookError(code));
  };
  const json = parse(res.body);
  const answer = { status: res.statusCode, json, text: String(res.body ?? "") };
  // The warm-up (p.seal) only makes ciphertexts: its cold first calls are not measured against the budget.
  const budgetMs = p.seal ? Number.POSITIVE_INFINITY : context.vars.xks.budgetMs;
  const outcome = classifyAnswer(answer, ms, budgetMs, res.statusCode === 200 ? p.check(json) : undefined);
  if (outcome.kind === "throttle") return fail("throttle", "ThrottlingException");
  if (outcome.kind === "kms-timeout") return fail("kms_timeout", `KmsTimeout: answer after the ${budgetMs} ms budget`);
  if (outcome.kind === "error" && outcome.exceptionName === WRONG_ANSWER) return fail("wrong_answer", `${WRONG_ANSWER}: ${outcome.detail}`);
  if (outcome.kind === "error") return fail("proxy_error", `XksProxyErrors ${outcome.errorType}: ${outcome.exceptionName} (HTTP ${res.statusCode})`);
  if (p.seal) {
    const r = json as Record<string, string>;
    p.seal.fields = { ciphertext: r.ciphertext!, initializationVector: r.initializationVector!, authenticationTag: r.authenticationTag!, ...(r.ciphertextMetadata ? { ciphertextMetadata: r.ciphertextMetadata } : {}) };
    (context.vars.xksSealed ??= []).push(p.seal);
  }
  ee.emit("counter", `xks.ok.${p.op}`, 1);
  next();
}
