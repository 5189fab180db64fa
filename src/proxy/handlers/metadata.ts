/** @module proxy/handlers/metadata — GetKeyMetadata (spec "GetKeyMetadata"). */
import { AES_256_KEY_SPEC } from "../../xks/constants.js";
import { MetadataRequest, type MetadataResponse } from "../../xks/schemas.js";
import type { RequestContext } from "../request-context.js";
import { authorize, findKey } from "./key-access.js";
import { parseBody } from "./parse-body.js";

export function getKeyMetadata(body: unknown, ctx: RequestContext): MetadataResponse {
  const request = parseBody(MetadataRequest, body);
  const key = findKey(ctx.route!.keystore, ctx.route!.keyId!);
  authorize(key, request.requestMetadata);
  // A disabled key still answers metadata: KMS reads keyStatus to refuse it.
  const keySpec = ctx.mutations.has("key-spec-rsa") ? "RSA_0" : AES_256_KEY_SPEC;
  return { keySpec, keyUsage: [...key.usage], keyStatus: key.status };
}
