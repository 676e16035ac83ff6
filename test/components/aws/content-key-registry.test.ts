/**
 * Issue 14 item 1 on AWS: the content key registry table, its IAM (SPEKE: PutItem only; key delivery: GetItem only,
 * each on that one table) and its wiring through the components and the aws-live stack composition, under Pulumi
 * mocks. The function side of the same contract runs against dynalite in test/functions/registry/.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ContentKeyRegistryTable,
  KeyDeliveryApi,
  SpekeKeyServer,
  type KeyDeliveryApiArgs,
} from "../../../components/aws";
import type { ContentKeyPolicyInput } from "../../../functions/policy/model";
import { parseKeyplaneConfig } from "../../../functions/config";
import { parseStackSettings, rawSettingsFromConfig } from "../../../stacks/config";
import { parseStackConfig } from "../../../review/stack-config";
import { buildContentKeyPolicy } from "../../../stacks/policy";
import { awsLive } from "../../../stacks/compositions/aws-live";
import {
  ACCOUNT,
  REGION,
  assertLeastPrivilege,
  installMocks,
  ofType,
  policyOf,
  reveal,
  settle,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";

const SEED_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ks-key-seed-AbCdEf`;
const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const open: ContentKeyPolicyInput = {
  name: "free",
  options: [{ name: "open", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
};
const base: KeyDeliveryApiArgs = {
  keySeedSecretArn: SEED_ARN,
  policies: [open],
  defaultPolicy: "free",
  corsAllowOrigins: ["https://player.example.com"],
};

type Statement = { Sid?: string; Action: string | string[]; Resource: string | string[] };
function statementsOf(rec: Recorded[], policyName: string): Statement[] {
  const p = ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === policyName);
  assert.ok(
    p,
    `no role policy ${policyName}: ${ofType(rec, "aws:iam/rolePolicy:RolePolicy")
      .map((r) => r.name)
      .join(", ")}`,
  );
  const doc = policyOf(p.inputs.policy);
  assertLeastPrivilege(doc, policyName);
  return doc.Statement as Statement[];
}
const dynamoActions = (st: Statement[]) =>
  st.flatMap((s) =>
    ([] as string[])
      .concat(s.Action)
      .filter((a) => a.startsWith("dynamodb:"))
      .map((a) => `${a} ${String(s.Resource)}`),
  );
function envOf(rec: Recorded[], fnName: string): Record<string, string> {
  const fn = ofType(rec, "aws:lambda/function:Function").find((r) => r.name === fnName);
  assert.ok(fn, `no function ${fnName}`);
  return (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
}

describe("components/aws content key registry", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("SpekeKeyServer creates the registry table and may only PutItem into it; its function is configured for it", async () => {
    const ks = new SpekeKeyServer("ks");
    await settle(ks);
    assert.equal(ofType(rec, "keyplane:aws:ContentKeyRegistryTable").length, 1);
    const table = reveal(ofType(rec, "aws:dynamodb/table:Table")[0]!.inputs) as Record<string, any>;
    assert.equal(table.hashKey, "kid");
    assert.deepEqual(table.attributes, [{ name: "kid", type: "S" }]);
    assert.equal(table.billingMode, "PAY_PER_REQUEST");
    assert.equal(table.deletionProtectionEnabled, true);
    assert.deepEqual(table.pointInTimeRecovery, { enabled: true });
    assert.equal(table.ttl, undefined, "registry records never expire");

    assert.deepEqual(dynamoActions(statementsOf(rec, "ks-speke-policy")), [
      `dynamodb:PutItem ${tableArn("ks-registry-table")}`,
    ]);
    const cfg = parseKeyplaneConfig(JSON.parse(envOf(rec, "ks-speke-fn").KEYPLANE_CONFIG!));
    assert.deepEqual(cfg.contentKeyRegistry, { type: "dynamodb", tableName: "ks-registry-table" });
    assert.equal(await value(ks.contentKeyRegistry.tableName), "ks-registry-table");
  });

  it("SpekeKeyServer adopts an existing registry table (no table created, PutItem on that ARN)", async () => {
    const ks = new SpekeKeyServer("ks", {
      contentKeyRegistry: { tableName: "shared-registry", tableArn: tableArn("shared-registry") },
    });
    await settle(ks);
    assert.equal(ofType(rec, "aws:dynamodb/table:Table").length, 0);
    assert.deepEqual(dynamoActions(statementsOf(rec, "ks-speke-policy")), [
      `dynamodb:PutItem ${tableArn("shared-registry")}`,
    ]);
    assert.equal(
      JSON.parse(envOf(rec, "ks-speke-fn").KEYPLANE_CONFIG!).contentKeyRegistry.tableName,
      "shared-registry",
    );
  });

  it("KeyDeliveryApi may only GetItem from the registry (besides UpdateItem on its own replay table)", async () => {
    const reg = new ContentKeyRegistryTable("reg");
    const kd = new KeyDeliveryApi("kd", {
      ...base,
      bindings: [{ policy: "free", contentIds: ["trailer"] }],
      contentKeyRegistry: reg.ref,
    });
    await settle(kd);
    assert.deepEqual(dynamoActions(statementsOf(rec, "kd-delivery-policy")).sort(), [
      `dynamodb:GetItem ${tableArn("reg-table")}`,
      `dynamodb:UpdateItem ${tableArn("kd-replay")}`,
    ]);
    const cfg = parseKeyplaneConfig(JSON.parse(envOf(rec, "kd-delivery-fn").KEYPLANE_CONFIG!));
    assert.deepEqual(cfg.contentKeyRegistry, { type: "dynamodb", tableName: "reg-table" });
  });

  it("KeyDeliveryApi refuses content-id bindings without a registry, naming the component, argument and value", () => {
    assert.throws(
      () => new KeyDeliveryApi("kd", { ...base, bindings: [{ policy: "free", contentIds: ["trailer"] }] }),
      /^Error: KeyDeliveryApi: bindings name content ids \("trailer"\) but contentKeyRegistry is not set/,
    );
  });

  it("KeyDeliveryApi without content-id bindings needs no registry and gets no registry permission", async () => {
    const kd = new KeyDeliveryApi("kd", base);
    await settle(kd);
    assert.deepEqual(dynamoActions(statementsOf(rec, "kd-delivery-policy")), [
      `dynamodb:UpdateItem ${tableArn("kd-replay")}`,
    ]);
  });

  it("the aws-live stack composition wires SPEKE's registry into key delivery", async () => {
    const root = join(__dirname, "..", "..", "..");
    const file = "stacks/examples/Pulumi.multi.yaml";
    const settings = parseStackSettings(
      rawSettingsFromConfig(parseStackConfig(readFileSync(join(root, file), "utf8"), "keyplane", file).values),
    );
    const policy = buildContentKeyPolicy({
      ...settings.contentProtection,
      openIdConnectDiscoveryDocument: "https://login.example.com/.well-known/openid-configuration",
    });
    const out = awsLive("live", { aws: settings.aws!, policy, tags: {} });
    await Promise.all([value(out.spekeUrl), value(out.tokenUrl)]);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const speke = ofType(rec, "aws:lambda/function:Function").find((f) => f.name.endsWith("-speke-fn"))!;
    const delivery = ofType(rec, "aws:lambda/function:Function").find((f) => f.name.endsWith("-delivery-fn"))!;
    const tableName = JSON.parse(envOf(rec, speke.name).KEYPLANE_CONFIG!).contentKeyRegistry.tableName;
    assert.equal(tableName, "live-keys-registry-table");
    assert.equal(JSON.parse(envOf(rec, delivery.name).KEYPLANE_CONFIG!).contentKeyRegistry.tableName, tableName);
    const deliveryPolicy = delivery.name.replace(/-fn$/, "-policy");
    assert.ok(dynamoActions(statementsOf(rec, deliveryPolicy)).includes(`dynamodb:GetItem ${tableArn(tableName)}`));
  });
});
