/** @module proxy/handlers/metadata — GetKeyMetadata (spec "GetKeyMetadata"). */
import { AES_256_KEY_SPEC, MetadataRequest, type MetadataResponse } from "../../xks/index.js";
import type { RoutedContext } from "../request-context.js";
import { authorize, findKey } from "./key-access.js";
import { parseBody } from "./parse-body.js";

export function getKeyMetadata(body: unknown, ctx: RoutedContext): MetadataResponse {
  const request = parseBody(MetadataRequest, body);
  const key = findKey(ctx.route.keystore, ctx.route.keyId!);
  authorize(key, request.requestMetadata);
  // A disabled key still answers metadata: KMS reads keyStatus to refuse it.
  const keySpec = ctx.mutate.keySpec(AES_256_KEY_SPEC);
  return { keySpec, keyUsage: [...key.usage], keyStatus: key.status };
}
