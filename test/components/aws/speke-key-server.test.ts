import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { SPEKE_ENTRY, SpekeKeyServer, assertKeySeedText } from "../../../components/aws/speke-key-server";
import { functionArchive } from "../../../components/shared/archive";
import { bundleFunction } from "../../../components/shared/bundle";
import {
  ACCOUNT,
  REGION,
  assertLeastPrivilege,
  installMocks,
  isSecretValue,
  ofType,
  policyOf,
  reveal,
  settle,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";
import { loadKeyplaneConfig } from "../../../functions/config";

const EXEC = (name: string) => `arn:aws:execute-api:${REGION}:${ACCOUNT}:${name}-api-id`;

describe("components/aws SpekeKeyServer", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("creates the documented resources with AWS_IAM methods and least-privilege IAM", async () => {
    const ks = new SpekeKeyServer("ks", { speke: { kidOverride: false } });
    await settle(ks);

    const count = (t: string) => ofType(rec, t).length;
    assert.equal(count("keyplane:aws:SpekeKeyServer"), 1);
    assert.equal(count("random:index/randomBytes:RandomBytes"), 1);
    assert.equal(count("aws:secretsmanager/secret:Secret"), 1);
    assert.equal(count("aws:secretsmanager/secretVersion:SecretVersion"), 1);
    assert.equal(count("aws:lambda/function:Function"), 1);
    assert.equal(count("aws:apigateway/restApi:RestApi"), 1);
    assert.equal(count("aws:apigateway/restApiPolicy:RestApiPolicy"), 1);
    assert.equal(count("aws:apigateway/method:Method"), 2);
    assert.equal(count("aws:apigateway/integration:Integration"), 2);
    assert.equal(count("aws:apigateway/stage:Stage"), 1);
    assert.equal(count("aws:lambda/permission:Permission"), 2);
    assert.equal(count("aws:iam/role:Role"), 2);
    assert.equal(count("aws:cloudwatch/logGroup:LogGroup"), 2);
    assert.equal(count("aws:cloudwatch/metricAlarm:MetricAlarm"), 4);

    // Every method is POST with AWS_IAM authorization; integrations are Lambda proxy.
    for (const m of ofType(rec, "aws:apigateway/method:Method")) {
      assert.equal(m.inputs.authorization, "AWS_IAM");
      assert.equal(m.inputs.httpMethod, "POST");
    }
    assert.deepEqual(
      ofType(rec, "aws:apigateway/resource:Resource")
        .map((r) => r.inputs.pathPart)
        .sort(),
      ["copyProtection", "speke"],
    );
    for (const i of ofType(rec, "aws:apigateway/integration:Integration")) assert.equal(i.inputs.type, "AWS_PROXY");

    // Packager role: trusted by exactly the three packaging services, pinned to the account.
    const packager = ofType(rec, "aws:iam/role:Role").find((r) => r.name === "ks-packager")!;
    const trust = policyOf(packager.inputs.assumeRolePolicy);
    assert.deepEqual([...(trust.Statement[0]!.Principal as { Service: string[] }).Service].sort(), [
      "mediaconvert.amazonaws.com",
      "mediapackage.amazonaws.com",
      "mediapackagev2.amazonaws.com",
    ]);
    assert.deepEqual(trust.Statement[0]!.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });

    // Its only permission: execute-api:Invoke on exactly POST /speke and /copyProtection of this stage.
    const invoke = ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "ks-packager-invoke")!;
    const invokeDoc = policyOf(invoke.inputs.policy);
    assertLeastPrivilege(invokeDoc, "packager");
    assert.equal(invokeDoc.Statement.length, 1);
    assert.equal(invokeDoc.Statement[0]!.Action, "execute-api:Invoke");
    assert.deepEqual(invokeDoc.Statement[0]!.Resource, [
      `${EXEC("ks")}/v1/POST/speke`,
      `${EXEC("ks")}/v1/POST/copyProtection`,
    ]);

    // Resource policy: admit the packager role, deny every other principal.
    const rp = policyOf(ofType(rec, "aws:apigateway/restApiPolicy:RestApiPolicy")[0]!.inputs.policy);
    const allow = rp.Statement.find((s) => s.Effect === "Allow")!;
    const deny = rp.Statement.find((s) => s.Effect === "Deny")!;
    assert.deepEqual(allow.Principal, { AWS: [`arn:aws:iam::${ACCOUNT}:role/ks-packager`] });
    assert.deepEqual(deny.Condition, {
      StringNotEquals: { "aws:PrincipalArn": [`arn:aws:iam::${ACCOUNT}:role/ks-packager`] },
    });

    // Lambda role: its own logs and exactly the seed secret.
    const fnPolicy = policyOf(
      ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "ks-speke-policy")!.inputs.policy,
    );
    assertLeastPrivilege(fnPolicy, "speke function");
    const seedRead = fnPolicy.Statement.find((s) => s.Action === "secretsmanager:GetSecretValue")!;
    assert.equal(seedRead.Resource, `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ks-key-seed-AbCdEf`);
    const logs = fnPolicy.Statement.find((s) => s.Sid === "WriteOwnLogs")!;
    assert.equal(logs.Resource, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:ks-speke-logs:*`);

    // Lambda: Node.js 20+/arm64, seed by ARN only, access logs configured, log retention set.
    const fn = ofType(rec, "aws:lambda/function:Function")[0]!;
    assert.ok(["nodejs20.x", "nodejs22.x"].includes(fn.inputs.runtime as string));
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);
    assert.equal(fn.inputs.handler, "index.handler");
    const env = (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
    assert.equal(env.KEY_SEED_SECRET_ARN, seedRead.Resource);
    assert.equal(env.KEY_SEED, undefined, "the seed never goes into the environment");
    // The emitted environment read back by the core's one loader (old or unknown names would be refused there).
    const cfg = loadKeyplaneConfig({ env });
    assert.equal(cfg.speke.kidOverride, false);
    assert.deepEqual(cfg.contentKeyRegistry, { type: "dynamodb", tableName: "ks-registry-table" });
    assert.deepEqual(Object.keys(JSON.parse(env.KEYPLANE_CONFIG!)).sort(), ["contentKeyRegistry", "speke"]);
    for (const lg of ofType(rec, "aws:cloudwatch/logGroup:LogGroup")) assert.equal(lg.inputs.retentionInDays, 90);
    const stage = ofType(rec, "aws:apigateway/stage:Stage")[0]!;
    assert.ok((stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn.includes("ks-access-logs"));
    const metrics = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm")
      .map((a) => a.inputs.metricName)
      .sort();
    assert.deepEqual(metrics, ["4XXError", "5XXError", "Errors", "Latency"]);

    // The generated seed is secret in state.
    const sv = ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion")[0]!;
    assert.ok(isSecretValue(sv.inputs.secretString), "secretString must be secret");
    assert.equal(Buffer.from(reveal(sv.inputs.secretString) as string, "base64").length, 30);

    // Outputs.
    assert.equal(await value(ks.url), `https://ks-stage-id.execute-api.${REGION}.amazonaws.com/v1/speke`);
    assert.equal(await value(ks.packagerRoleArn), `arn:aws:iam::${ACCOUNT}:role/ks-packager`);
    assert.equal(await value(ks.keySeedSecretArn), seedRead.Resource);
    assert.equal(await value(ks.functionName), "ks-speke-fn");
  });

  it("ships the bundled handler inside the Lambda archive, within the size budget", async () => {
    const ks = new SpekeKeyServer("ks2", {});
    await settle(ks);
    const fn = ofType(rec, "aws:lambda/function:Function")[0]!;
    assert.equal((fn.inputs.code as { __pulumiArchive?: boolean }).__pulumiArchive, true, "code is an archive");
    // The component's archive is built from the per-process bundle cache: the same bytes as below.
    const archive = functionArchive(SPEKE_ENTRY);
    const assets = await archive.assets;
    assert.deepEqual(Object.keys(assets), ["index.js"]);
    const text = await (assets["index.js"] as pulumi.asset.StringAsset).text;
    assert.ok(text, "index.js has content");
    assert.equal(Buffer.byteLength(text!), ks.bundleSizeBytes);
    assert.equal(bundleFunction(SPEKE_ENTRY).sizeBytes, ks.bundleSizeBytes);
    assert.ok(ks.bundleSizeBytes < 2.5 * 1024 * 1024, `SPEKE bundle is ${ks.bundleSizeBytes} bytes (budget 2.5 MiB)`);
    assert.ok(
      !/require\("(hono|@xmldom\/xmldom|zod|@aws-sdk\/client-secrets-manager)"\)/.test(text!),
      "dependencies are bundled, not required at run time",
    );
    // Loading the bundle yields the handler the Lambda runtime calls.
    const m = { exports: {} as Record<string, unknown> };
    new Function("module", "exports", "require", text!)(m, m.exports, require);
    assert.equal(typeof m.exports.handler, "function");
  });

  it("takes a supplied seed only as a secret, kept secret in state, and a customer KMS key", async () => {
    const seed = Buffer.alloc(32, 9).toString("base64");
    const ks = new SpekeKeyServer("ks3", {
      keySeed: pulumi.secret(seed),
      kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/abc`,
      additionalPackagerRoleArns: [`arn:aws:iam::${ACCOUNT}:role/other`],
    });
    await settle(ks);
    assert.equal(ofType(rec, "random:index/randomBytes:RandomBytes").length, 0);
    const sv = ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion")[0]!;
    assert.ok(isSecretValue(sv.inputs.secretString));
    assert.equal(reveal(sv.inputs.secretString), seed);
    assert.equal(
      ofType(rec, "aws:secretsmanager/secret:Secret")[0]!.inputs.kmsKeyId,
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/abc`,
    );
    const fnPolicy = policyOf(
      ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "ks3-speke-policy")!.inputs.policy,
    );
    assertLeastPrivilege(fnPolicy, "speke function");
    const kms = fnPolicy.Statement.find((s) => s.Action === "kms:Decrypt")!;
    assert.deepEqual(kms.Condition, { StringEquals: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` } });
    const rp = policyOf(ofType(rec, "aws:apigateway/restApiPolicy:RestApiPolicy")[0]!.inputs.policy);
    assert.deepEqual(rp.Statement[0]!.Principal, {
      AWS: [`arn:aws:iam::${ACCOUNT}:role/ks3-packager`, `arn:aws:iam::${ACCOUNT}:role/other`],
    });
    assert.ok((await pulumi.isSecret(ks.keySeedSecretArn)) === false, "the ARN itself is not a secret");
  });

  it("can use an existing seed secret (shared with a KeyDeliveryApi) and then creates none", async () => {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:shared-seed-XyZ123`;
    const ks = new SpekeKeyServer("ks4", { existingKeySeedSecretArn: arn });
    await settle(ks);
    assert.equal(ofType(rec, "aws:secretsmanager/secret:Secret").length, 0);
    assert.equal(ofType(rec, "random:index/randomBytes:RandomBytes").length, 0);
    const fnPolicy = policyOf(
      ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "ks4-speke-policy")!.inputs.policy,
    );
    assert.equal(fnPolicy.Statement.find((s) => s.Action === "secretsmanager:GetSecretValue")!.Resource, arn);
    assert.equal(await value(ks.keySeedSecretArn), arn);
  });

  it("refuses invalid arguments with clear errors", () => {
    assert.throws(
      () =>
        new SpekeKeyServer("bad0", {
          keySeed: pulumi.secret("x"),
          existingKeySeedSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:s",
        }),
      /not both/,
    );
    assert.throws(() => new SpekeKeyServer("bad1", { keySeed: "c2VlZA==" }), /keySeed must be a Pulumi secret/);
    assert.throws(
      () => new SpekeKeyServer("bad2", { runtime: "nodejs18.x" as never }),
      /runtime must be nodejs20.x or nodejs22.x/,
    );
    assert.throws(() => new SpekeKeyServer("bad3", { logRetentionDays: 42 }), /logRetentionDays must be one of/);
    assert.throws(() => new SpekeKeyServer("bad4", { stageName: "v 1" }), /stageName/);
    assert.throws(() => new SpekeKeyServer("bad5", { secretRecoveryWindowInDays: 3 }), /between 7 and 30/);
    assert.throws(() => assertKeySeedText(Buffer.alloc(16).toString("base64")), /at least 30 bytes/);
    assert.throws(() => assertKeySeedText("0123456789abcdef"), /base64 of at least 30 bytes/);
    assert.equal(assertKeySeedText(Buffer.alloc(30, 1).toString("base64")), Buffer.alloc(30, 1).toString("base64"));
  });
});
