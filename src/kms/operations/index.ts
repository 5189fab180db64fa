/**
 * @module kms/operations
 * The operation registry: every KMS API operation the local KMS answers, by its X-Amz-Target name. Before each
 * one, keys whose deletion waiting period has ended are deleted, so every answer sees them gone (as in KMS).
 */
import type { KmsContext } from "../context.js";
import { createAlias, deleteAlias, listAliases, updateAlias } from "./aliases.js";
import { decrypt, encrypt, generateDataKey, generateDataKeyWithoutPlaintext, reEncrypt } from "./crypto.js";
import {
  connectCustomKeyStore,
  createCustomKeyStore,
  deleteCustomKeyStore,
  describeCustomKeyStores,
  disconnectCustomKeyStore,
  updateCustomKeyStore,
} from "./custom-key-stores.js";
import {
  cancelKeyDeletion,
  deleteKeysDue,
  disableKey,
  enableKey,
  scheduleKeyDeletion,
  updateKeyDescription,
} from "./key-lifecycle.js";
import { getKeyPolicy, listKeyPolicies, putKeyPolicy } from "./key-policies.js";
import {
  disableKeyRotation,
  enableKeyRotation,
  getKeyRotationStatus,
  listKeyRotations,
  rotateKeyOnDemand,
} from "./key-rotation.js";
import { listResourceTags, tagResource, untagResource } from "./key-tags.js";
import { createKey, describeKey, listKeys } from "./keys.js";

export type Operation = (ctx: KmsContext, input: unknown) => Promise<object>;

const HANDLERS: Record<string, Operation> = {
  CreateCustomKeyStore: createCustomKeyStore,
  DescribeCustomKeyStores: describeCustomKeyStores,
  UpdateCustomKeyStore: updateCustomKeyStore,
  ConnectCustomKeyStore: connectCustomKeyStore,
  DisconnectCustomKeyStore: disconnectCustomKeyStore,
  DeleteCustomKeyStore: deleteCustomKeyStore,
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  UpdateKeyDescription: updateKeyDescription,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
  GetKeyRotationStatus: getKeyRotationStatus,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  ListAliases: listAliases,
  DeleteAlias: deleteAlias,
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
};

/** The handler of `operation`, or undefined when the local KMS does not implement it. */
export function operationHandler(operation: string): Operation | undefined {
  const handler = Object.hasOwn(HANDLERS, operation) ? HANDLERS[operation] : undefined;
  if (!handler) return undefined;
  return async (ctx, input) => {
    await deleteKeysDue(ctx);
    return handler(ctx, input);
  };
}

/** The operations the local KMS implements, in the registry's order. */
export const OPERATION_NAMES: readonly string[] = Object.keys(HANDLERS);
