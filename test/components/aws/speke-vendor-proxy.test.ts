import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CREDENTIAL_IN_API_TAG, SpekeVendorProxy } from "../../../components/aws/speke-vendor-proxy";
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
import { loadConfigSections } from "../../../functions/config-source";
import { spekeProxyConfigSchema } from "../../../functions/speke-proxy/config";

describe("components/aws SpekeVendorProxy", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("function mode: credential in Secrets Manager (secret in state), read by the proxy function only", async () => {
    const vp = new SpekeVendorProxy("vp", {
      vendor: { preset: "axinom", url: "https://key-server-management.axprod.net/api/SpekeV2" },
      credential: pulumi.secret({ tenantId: "t-1", managementKey: "mk-1" }),
    });
    await settle(vp);
    assert.equal(ofType(rec, "aws:lambda/function:Function").length, 1);
    assert.equal(ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion").length, 1);
    for (const m of ofType(rec, "aws:apigateway/method:Method")) assert.equal(m.inputs.authorization, "AWS_IAM");
    for (const i of ofType(rec, "aws:apigateway/integration:Integration")) {
      assert.equal(i.inputs.type, "AWS_PROXY");
      assert.equal(i.inputs.requestParameters, undefined, "no credential in the API definition");
    }
    const sv = ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion")[0]!;
    assert.ok(isSecretValue(sv.inputs.secretString));
    assert.deepEqual(JSON.parse(reveal(sv.inputs.secretString) as string), { tenantId: "t-1", managementKey: "mk-1" });

    const fn = ofType(rec, "aws:lambda/function:Function")[0]!;
    const env = (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
    assert.ok(!JSON.stringify(env).includes("mk-1"), "credential is not in the function configuration");
    assert.deepEqual(loadConfigSections({ spekeProxy: spekeProxyConfigSchema }, { env }).spekeProxy, {
      vendorUrl: "https://key-server-management.axprod.net/api/SpekeV2",
      preset: "axinom",
    });
    const secretArn = await value(vp.credentialSecretArn);
    assert.equal(env.VENDOR_CREDENTIAL_SECRET_ARN, secretArn);
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);

    const doc = policyOf(
      ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "vp-proxy-policy")!.inputs.policy,
    );
    assertLeastPrivilege(doc, "proxy function");
    assert.deepEqual(
      doc.Statement.filter((s) => s.Action === "secretsmanager:GetSecretValue").map((s) => s.Resource),
      [secretArn],
    );

    const invoke = policyOf(
      ofType(rec, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "vp-packager-invoke")!.inputs.policy,
    );
    assertLeastPrivilege(invoke, "packager");
    assert.equal(await value(vp.url), `https://vp-stage-id.execute-api.${REGION}.amazonaws.com/v1/speke`);
    assert.equal(await value(vp.packagerRoleArn), `arn:aws:iam::${ACCOUNT}:role/vp-packager`);
    assert.ok(
      vp.bundleSizeBytes > 0 && vp.bundleSizeBytes < 1.5 * 1024 * 1024,
      `proxy bundle ${vp.bundleSizeBytes} bytes (budget 1.5 MiB)`,
    );
  });

  // EZDRM documents u= (account username or email) and p= (account password) on
  // https://cpix.ezdrm.com/KeyGenerator/cpix.aspx (Unified Streaming "EZDRM"; Qencode "EZDRM - Widevine").
  it("integration mode (EZDRM): HTTP_PROXY with u/p mapped as integration query parameters, secret in state and tagged for the policy pack", async () => {
    const vp = new SpekeVendorProxy("vi", {
      vendor: { preset: "ezdrm", url: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?c=live-1" },
      credential: pulumi.secret({ username: "ops@example.com", password: "ez-pass" }),
      mode: "integration",
    });
    await settle(vp);
    assert.equal(ofType(rec, "aws:lambda/function:Function").length, 0);
    assert.equal(ofType(rec, "aws:secretsmanager/secret:Secret").length, 0);
    const ints = ofType(rec, "aws:apigateway/integration:Integration");
    assert.equal(ints.length, 2);
    for (const i of ints) {
      assert.equal(i.inputs.type, "HTTP_PROXY");
      assert.equal(i.inputs.uri, "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?c=live-1");
      assert.ok(isSecretValue(i.inputs.requestParameters), "the mapped credential is secret in state");
      assert.deepEqual(reveal(i.inputs.requestParameters), {
        "integration.request.querystring.u": "'ops@example.com'",
        "integration.request.querystring.p": "'ez-pass'",
      });
    }
    const api = ofType(rec, "aws:apigateway/restApi:RestApi")[0]!;
    assert.equal((reveal(api.inputs.tags) as Record<string, string>)[CREDENTIAL_IN_API_TAG], "true");
    for (const m of ofType(rec, "aws:apigateway/method:Method")) assert.equal(m.inputs.authorization, "AWS_IAM");
    assert.equal(await value(vp.functionName), undefined);
  });

  it("integration mode (header presets): the named header is mapped; Axinom's documented Authorization header", async () => {
    const vp = new SpekeVendorProxy("vk", {
      vendor: { preset: "keyos", url: "https://speke.vendor.example/speke/v2", headerName: "X-Onboarding-UserKey" },
      credential: pulumi.secret({ key: "user-key" }),
      mode: "integration",
    });
    await settle(vp);
    for (const i of ofType(rec, "aws:apigateway/integration:Integration")) {
      assert.deepEqual(reveal(i.inputs.requestParameters), {
        "integration.request.header.X-Onboarding-UserKey": "'user-key'",
      });
    }
    const api = ofType(rec, "aws:apigateway/restApi:RestApi")[0]!;
    assert.equal((reveal(api.inputs.tags) as Record<string, string>)[CREDENTIAL_IN_API_TAG], "true");
  });

  it("function mode (EZDRM): the u/p credential goes to Secrets Manager, the function config holds only the URL", async () => {
    const vp = new SpekeVendorProxy("ve", {
      vendor: { preset: "ezdrm", url: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx" },
      credential: pulumi.secret({ username: "ops@example.com", password: "ez-pass" }),
    });
    await settle(vp);
    const fn = ofType(rec, "aws:lambda/function:Function")[0]!;
    const env = (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
    assert.deepEqual(loadConfigSections({ spekeProxy: spekeProxyConfigSchema }, { env }).spekeProxy, {
      vendorUrl: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx",
      preset: "ezdrm",
    });
    assert.ok(!JSON.stringify(env).includes("ez-pass"));
    const sv = ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion")[0]!;
    assert.deepEqual(JSON.parse(reveal(sv.inputs.secretString) as string), {
      username: "ops@example.com",
      password: "ez-pass",
    });
  });

  it("refuses invalid arguments with clear errors", () => {
    const cred = pulumi.secret({ key: "k" });
    assert.throws(
      () =>
        new SpekeVendorProxy("b1", { vendor: { preset: "acme" as never, url: "https://v.example" }, credential: cred }),
      /preset must be one of/,
    );
    assert.throws(
      () => new SpekeVendorProxy("b2", { vendor: { preset: "ezdrm", url: "http://v.example" }, credential: cred }),
      /https/,
    );
    assert.throws(
      () => new SpekeVendorProxy("b3", { vendor: { preset: "generic", url: "https://v.example" }, credential: cred }),
      /headerName/,
    );
    assert.throws(
      () =>
        new SpekeVendorProxy("b4", {
          vendor: { preset: "ezdrm", url: "https://v.example" },
          credential: { key: "plain" },
        }),
      /must be a Pulumi secret/,
    );
    assert.throws(
      () =>
        new SpekeVendorProxy("b5", {
          vendor: { preset: "ezdrm", url: "https://v.example" },
          credential: cred,
          mode: "direct" as never,
        }),
      /mode must be/,
    );
    assert.throws(
      () => new SpekeVendorProxy("b6", { vendor: { preset: "ezdrm", url: "https://u:p@v.example" }, credential: cred }),
      /credentials/,
    );
    // No public source names the KeyOS SPEKE headers: no guessed default.
    assert.throws(
      () => new SpekeVendorProxy("b7", { vendor: { preset: "keyos", url: "https://v.example" }, credential: cred }),
      /keyos preset needs a headerName.*unverified/,
    );
    assert.throws(
      () =>
        new SpekeVendorProxy("b8", {
          vendor: { preset: "keyos", url: "https://v.example", headerName: "X-U", kidOverrideValue: "1" },
          credential: cred,
        }),
      /kidOverrideHeaderName/,
    );
    assert.throws(
      () =>
        new SpekeVendorProxy("b9", {
          vendor: { preset: "ezdrm", url: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?u=me" },
          credential: cred,
        }),
      /must not carry the "u" credential parameter/,
    );
  });
});
