/**
 * Every example value in the docs (README.md, docs/*.md) passes the input rules `xks-harness check` applies
 * (harness/check/input.ts, with --dev's local relaxations: a port, localhost, an IP), so a pasted example never
 * fails `input` for the example's own sake. Values are taken from fenced code blocks — the commands, configs and
 * environment a reader copies: access key ids, secrets, paths, endpoints, key ids, key store names, endpoint
 * service names, regions. A shell variable (`$X`) is the reader's own value and is skipped.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputProblems } from "../harness/check/input.js";
import type { CheckOptions } from "../harness/check/types.js";
import { packageRoot } from "../src/package-root.js";
import { checkKmsField, formatViolation } from "../src/xks/kms-rules.js";

type Field = "accessKeyId" | "secret" | "path" | "endpoint" | "keyId" | "storeName" | "vpcServiceName" | "region";

/** Where each kind of value appears in a command, config or environment line. Group 1 is the value. */
const EXTRACTORS: { field: Field; pattern: RegExp; skipLine?: RegExp }[] = [
  { field: "accessKeyId", pattern: /--(?:current-|second-)?access-key-id[ =]([^\s\\'"`]+)/g },
  { field: "accessKeyId", pattern: /\bXKS_(?:MOCK_)?ACCESS_KEY_ID=([^\s'"`]+)/g },
  { field: "accessKeyId", pattern: /"accessKeyId":\s*"([^"]*)"/g },
  { field: "accessKeyId", pattern: /\bAccessKeyId=([^,\s'"]+)/g },
  { field: "accessKeyId", pattern: /--user "([^:"$]+):/g },
  { field: "secret", pattern: /\bXKS_(?:MOCK_|CURRENT_|SECOND_)?SECRET_ACCESS_KEY=([^\s`]+)/g },
  { field: "secret", pattern: /"secretAccessKey":\s*"([^"]*)"/g },
  { field: "secret", pattern: /--user "[^:"]+:([^"]+)"/g },
  { field: "path", pattern: /--(?:current-)?path[ =]([^\s\\'"`]+)/g },
  { field: "endpoint", pattern: /--(?:current-)?endpoint[ =]([^\s\\'"`]+)/g },
  // `aws kms … --key-id` names a KMS key (an alias, an ARN), not an external key.
  { field: "keyId", pattern: /--key-id[ =]([^\s\\'"`]+)/g, skipLine: /\baws (kms|ec2)\b/ },
  { field: "storeName", pattern: /--custom-key-store-name[ =]([^\s\\'"`]+)/g },
  { field: "vpcServiceName", pattern: /--vpc-endpoint-service-name[ =]([^\s\\'"`]+)/g },
  { field: "region", pattern: /--region[ =]([^\s\\'"`]+)/g },
];

interface Example {
  file: string;
  line: number;
  field: Field;
  value: string;
}

function docs(): string[] {
  const root = packageRoot();
  return ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const file of docs()) {
    const lines = readFileSync(join(packageRoot(), file), "utf8").split("\n");
    let fenced = false;
    lines.forEach((text, i) => {
      if (/^\s*```/.test(text)) {
        fenced = !fenced;
        return;
      }
      // A report's `fix:` line is prose that names flags, not a command.
      if (!fenced || /^\s*fix:/.test(text)) return;
      for (const { field, pattern, skipLine } of EXTRACTORS) {
        if (skipLine?.test(text)) continue;
        for (const m of text.matchAll(pattern)) {
          const value = m[1]!;
          if (!value.startsWith("$")) found.push({ file, line: i + 1, field, value });
        }
      }
    });
  }
  return found;
}

/** A check that passes input, for one value to be swapped in. */
const VALID: CheckOptions = {
  settings: { endpoint: "https://xks.example.com", path: "/kms/xks/v1", accessKeyId: "BETWEEN2TENAND3TENCHARACTERS", secretAccessKey: "PleaseReplaceThisWithSomeSecretOfLength43To64" },
  region: "us-east-1",
  connectivity: "PUBLIC_ENDPOINT",
  keyIds: [],
  extraCa: [],
  dev: true,
  timeoutMs: 3000,
  verbose: false,
};

/** What check's input rules say of the value: the error messages, none when it passes. */
function problemsOf(e: Example): string[] {
  const o: CheckOptions = { ...VALID, settings: { ...VALID.settings } };
  switch (e.field) {
    case "accessKeyId":
      o.settings.accessKeyId = e.value;
      break;
    case "secret":
      o.settings.secretAccessKey = e.value;
      break;
    case "path":
      o.settings.path = e.value;
      break;
    case "endpoint":
      o.settings.endpoint = e.value;
      break;
    case "keyId":
      o.keyIds = [e.value];
      break;
    case "region":
      o.region = e.value;
      break;
    case "vpcServiceName":
      o.connectivity = "VPC_ENDPOINT_SERVICE";
      o.vpcEndpointServiceName = e.value;
      break;
    case "storeName": {
      // check takes no store name (update and the local KMS do): KMS's CustomKeyStoreName rule itself.
      const v = checkKmsField("CustomKeyStoreName", e.value);
      return v ? [formatViolation(v)] : [];
    }
  }
  return inputProblems(o)
    .filter((p) => p.severity === "error")
    .map((p) => p.message);
}

describe("example values in the docs follow KMS's rules, as check applies them", () => {
  const all = examples();

  it("finds the examples (the extraction works): access key ids, secrets, paths, endpoints, key ids, regions", () => {
    const fields = new Set(all.map((e) => e.field));
    for (const f of ["accessKeyId", "secret", "path", "endpoint", "keyId", "region", "vpcServiceName"] as const) expect(fields, f).toContain(f);
    expect(all.length).toBeGreaterThan(50);
  });

  it("every one passes check's input rules", () => {
    const broken = all.map((e) => ({ at: `${e.file}:${e.line} ${e.field} ${e.value}`, problems: problemsOf(e) })).filter((b) => b.problems.length > 0);
    expect(broken).toEqual([]);
  });

  it("the rules would catch the values issue 23 found (A-Z and 2-7 only)", () => {
    for (const value of ["NEWACCESSKEYID2345678", "OLDACCESSKEYID2345678", "AKIDEXAMPLE234567890"]) {
      expect(problemsOf({ file: "-", line: 0, field: "accessKeyId", value })).toHaveLength(1);
    }
  });
});
