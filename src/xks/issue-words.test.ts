import { z } from "zod";
import { describe, expect, it } from "vitest";
import { HealthResponse, UsableKeyMetadata, describeIssues } from "./schemas.js";

const described = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error("expected a schema failure");
  return describeIssues(r.error);
};

describe("schema problems in words: field + rule, never zod's wording", () => {
  it.each([
    ["a key that is not ENABLED", UsableKeyMetadata, { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "DISABLED" }, 'keyStatus: must be "ENABLED"'],
    ["a value outside an enum", UsableKeyMetadata.pick({ keySpec: true }), { keySpec: "RSA_2048" }, 'keySpec: must be "AES_256"'],
    [
      "a missing field and a wrong type",
      HealthResponse.pick({ xksProxyFleetSize: true, xksProxyVendor: true }),
      { xksProxyFleetSize: "1" },
      "xksProxyFleetSize: must be a number; xksProxyVendor: is missing (it must be a string)",
    ],
    ["a number that must be positive", HealthResponse.pick({ xksProxyFleetSize: true }), { xksProxyFleetSize: 0 }, "xksProxyFleetSize: must be greater than 0"],
    [
      "an enum of several values",
      z.object({ healthStatus: z.enum(["ACTIVE", "DEGRADED"]) }),
      { healthStatus: "UP" },
      'healthStatus: must be one of "ACTIVE", "DEGRADED"',
    ],
    ["too few items", z.object({ list: z.array(z.string()).min(1) }), { list: [] }, "list: must have at least 1 item"],
    ["a field the format does not know", z.strictObject({ a: z.string() }), { a: "x", colour: 1 }, "the document: has a field this format does not know: colour (check the spelling)"],
  ])("%s", (_name, schema, value, text) => {
    const words = described(schema, value);
    expect(words).toBe(text);
    expect(words).not.toMatch(/Invalid input|Invalid option|Too (small|big)|Unrecognized key/);
  });

  it("keeps a message the schema sets itself, prefixed with its path", () => {
    expect(described(z.object({ tag: z.string({ error: "tag must be Base64" }) }), {})).toBe("tag must be Base64");
    expect(described(z.object({ a: z.object({ b: z.string({ error: "a string please" }) }) }), { a: {} })).toBe("a.b: a string please");
  });
});
