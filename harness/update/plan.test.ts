/**
 * planUpdate: which changes need DISCONNECTED (KMS API reference, UpdateCustomKeyStore), the calls it plans, its refusals, and that the
 * secret is sent whole but never shown.
 */
import { describe, expect, it } from "vitest";
import { planUpdate, snapshotOf, type Wanted } from "./plan.js";
import { SECRET, storeSnapshot, unchanged } from "./store.fixture.js";

const current = storeSnapshot("prod-xks");
const same = unchanged(current);

const ops = (p: ReturnType<typeof planUpdate>) => p.calls.map((c) => c.operation);

describe("what needs DISCONNECTED", () => {
  it.each([
    { what: "the path", change: { path: "/next/kms/xks/v1" }, field: "XksProxyUriPath" },
    { what: "the access key id", change: { accessKeyId: "ZYXWVUTSRQPONMLKJIHGFEDC" }, field: "XksProxyAuthenticationCredential" },
    { what: "the name", change: { newName: "renamed" }, field: "NewCustomKeyStoreName" },
  ])("$what can change while CONNECTED: one UpdateCustomKeyStore, keys stay usable", ({ change, field }) => {
    const plan = planUpdate(current, { ...same, ...change }, false);
    expect(plan.refusal).toBeUndefined();
    expect(ops(plan)).toEqual(["UpdateCustomKeyStore"]);
    expect(plan).toMatchObject({ needsDisconnect: false, keysUnavailable: false, expectConnected: true });
    expect(plan.updateInput).toHaveProperty(field);
  });

  it.each([
    { what: "the endpoint", change: { endpoint: "https://xks2.example.com" }, field: "XksProxyUriEndpoint" },
    { what: "the connectivity", change: { connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" }, field: "XksProxyConnectivity" },
    { what: "the VPC endpoint service name", change: { vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" }, field: "XksProxyVpcEndpointServiceName" },
    { what: "the VPC endpoint service owner", change: { vpcEndpointServiceOwner: "111122223333" }, field: "XksProxyVpcEndpointServiceOwner" },
  ])("$what needs DISCONNECTED: refused while CONNECTED without allowDisconnect", ({ change, field }) => {
    const plan = planUpdate(current, { ...same, ...change }, false);
    expect(plan.needsDisconnect).toBe(true);
    expect(plan.updateInput).toHaveProperty(field);
    expect(plan.refusal).toBe(
      "changing the endpoint, connectivity or VPC endpoint service (name or owner) needs the store DISCONNECTED, and it is CONNECTED: pass --allow-disconnect to Disconnect → Update → Connect (its KMS keys are unusable in between)",
    );
    // The plan still shows what allowDisconnect would do.
    expect(ops(plan)).toEqual(["DisconnectCustomKeyStore", "UpdateCustomKeyStore", "ConnectCustomKeyStore"]);
    expect(plan.keysUnavailable).toBe(true);
  });

  it("with allowDisconnect: Disconnect → Update → Connect, keys unusable in between, the store ends CONNECTED", () => {
    const plan = planUpdate(current, { ...same, endpoint: "https://xks2.example.com", path: "/next/kms/xks/v1" }, true);
    expect(plan.refusal).toBeUndefined();
    expect(plan.calls).toEqual([
      { operation: "DisconnectCustomKeyStore", display: { CustomKeyStoreId: current.id } },
      {
        operation: "UpdateCustomKeyStore",
        display: {
          CustomKeyStoreId: current.id,
          XksProxyUriEndpoint: "https://xks2.example.com",
          XksProxyUriPath: "/next/kms/xks/v1",
          XksProxyAuthenticationCredential: { AccessKeyId: current.accessKeyId, RawSecretAccessKey: "<redacted>" },
        },
      },
      { operation: "ConnectCustomKeyStore", display: { CustomKeyStoreId: current.id } },
    ]);
    expect(plan).toMatchObject({ needsDisconnect: true, keysUnavailable: true, expectConnected: true });
  });

  it("a DISCONNECTED store takes the endpoint in one call and stays DISCONNECTED", () => {
    const plan = planUpdate({ ...current, state: "DISCONNECTED" }, { ...same, endpoint: "https://xks2.example.com" }, false);
    expect(plan.refusal).toBeUndefined();
    expect(ops(plan)).toEqual(["UpdateCustomKeyStore"]);
    expect(plan).toMatchObject({ needsDisconnect: true, keysUnavailable: false, expectConnected: false });
  });

  it.each([
    { state: "FAILED", hint: "disconnect it first: aws kms disconnect-custom-key-store" },
    { state: "CONNECTING", hint: "wait until it settles" },
    { state: "DISCONNECTING", hint: "wait until it settles" },
  ])("a $state store is refused, whatever the change", ({ state, hint }) => {
    for (const allow of [false, true]) {
      const plan = planUpdate({ ...current, state }, same, allow);
      expect(plan.refusal).toBe(`the store is ${state}; KMS updates a store only when CONNECTED or DISCONNECTED (${hint})`);
    }
  });
});

describe("the credential and the secret", () => {
  it("is always sent whole, also when only the path changes or nothing does", () => {
    for (const wanted of [same, { ...same, path: "/next/kms/xks/v1" }]) {
      const plan = planUpdate(current, wanted, false);
      expect(plan.updateInput.XksProxyAuthenticationCredential).toEqual({ AccessKeyId: current.accessKeyId, RawSecretAccessKey: SECRET });
    }
    const unchanged = planUpdate(current, same, false);
    expect(unchanged.updateInput).toEqual({ CustomKeyStoreId: current.id, XksProxyAuthenticationCredential: { AccessKeyId: current.accessKeyId, RawSecretAccessKey: SECRET } });
    expect(unchanged.changes).toEqual([`credential: access key id ${current.accessKeyId} (secret sent whole; KMS cannot show whether it changed)`]);
  });

  it("names the access key id change, never the secret", () => {
    const plan = planUpdate(current, { ...same, accessKeyId: "ZYXWVUTSRQPONMLKJIHGFEDC" }, false);
    expect(plan.changes).toEqual([`credential: access key id ${current.accessKeyId} → ZYXWVUTSRQPONMLKJIHGFEDC (with its secret)`]);
  });

  it("appears in no displayed part of any plan", () => {
    const wanteds: Wanted[] = [
      same,
      { ...same, endpoint: "https://xks2.example.com", path: "/p/kms/xks/v1", accessKeyId: "ZYXWVUTSRQPONMLKJIHGFEDC", newName: "n" },
      { ...same, connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" },
    ];
    for (const state of ["CONNECTED", "DISCONNECTED", "FAILED"]) {
      for (const allow of [false, true]) {
        for (const wanted of wanteds) {
          const { updateInput, ...shown } = planUpdate({ ...current, state }, wanted, allow);
          expect(JSON.stringify(updateInput)).toContain(SECRET);
          expect(JSON.stringify(shown)).not.toContain(SECRET);
          expect(JSON.stringify(shown.calls)).toContain("<redacted>");
        }
      }
    }
  });
});

describe("changes and their order", () => {
  it("lists each changed field with old → new, and leaves unchanged fields out of the input", () => {
    const plan = planUpdate(current, { ...same, newName: "renamed", path: "/next/kms/xks/v1" }, false);
    expect(plan.changes).toEqual([
      "name: prod-xks → renamed",
      "XksProxyUriPath: /prod/kms/xks/v1 → /next/kms/xks/v1",
      `credential: access key id ${current.accessKeyId} (secret sent whole; KMS cannot show whether it changed)`,
    ]);
    expect(Object.keys(plan.updateInput).sort()).toEqual(["CustomKeyStoreId", "NewCustomKeyStoreName", "XksProxyAuthenticationCredential", "XksProxyUriPath"]);
  });

  it("the same name given again is no rename", () => {
    expect(planUpdate(current, { ...same, newName: current.name }, false).updateInput).not.toHaveProperty("NewCustomKeyStoreName");
  });
});

describe("snapshotOf", () => {
  it("snapshotOf reads DescribeCustomKeyStores' entry, defaulting what is absent", () => {
    expect(
      snapshotOf({
        CustomKeyStoreId: current.id,
        CustomKeyStoreName: current.name,
        ConnectionState: "FAILED",
        ConnectionErrorCode: "XKS_PROXY_NOT_REACHABLE",
        XksProxyConfiguration: { UriEndpoint: current.endpoint, UriPath: current.path, AccessKeyId: current.accessKeyId, Connectivity: "PUBLIC_ENDPOINT" },
      }),
    ).toEqual({ ...current, state: "FAILED", connectionErrorCode: "XKS_PROXY_NOT_REACHABLE", vpcEndpointServiceName: undefined });
    expect(snapshotOf({})).toMatchObject({ id: "", state: "UNKNOWN", connectivity: "PUBLIC_ENDPOINT", endpoint: "" });
  });
});
