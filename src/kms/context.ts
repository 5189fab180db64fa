/**
 * @module kms/context
 * What an operation handler gets: the caller's region and principal, the state, the proxy gateway, options.
 */
import type { EndpointService } from "../ec2/index.js";
import type { StateStore } from "./state-store.js";
import type { XksGateway } from "./xks-gateway.js";

export interface LocalKmsOptions {
  /** Refuse what only local use allows: a port in XksProxyUriEndpoint, the dev CA. @default false */
  strict: boolean;
  /** How long ConnectCustomKeyStore stays CONNECTING before it checks the proxy. @default 100 */
  connectDelayMs: number;
  /** The VPC endpoint services the local cloud knows (ec2/endpoint-services); VPC stores use them. */
  endpointServices: readonly EndpointService[];
}

export interface KmsContext {
  region: string;
  /** arn:aws:iam::000000000000:user/<access key id of the caller> */
  principalArn: string;
  store: StateStore;
  gateway: XksGateway;
  options: LocalKmsOptions;
  /** Runs work after the answer (ConnectCustomKeyStore is asynchronous); tracked so stop() can wait for it. */
  background(work: () => Promise<void>): void;
  /** A store is gone (deleted, or never created after its probe): drop what is kept per store (its metrics). */
  storeDeleted(id: string): void;
}
