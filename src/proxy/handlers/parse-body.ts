/**
 * @module proxy/handlers/parse-body
 * JSON parse plus schema check of a request body; anything wrong is ValidationException naming the field.
 */
import type { z } from "zod";
import { XksError, describeIssues } from "../../xks/index.js";

export function parseBody<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new XksError("ValidationException", describeIssues(result.error));
  return result.data;
}
