/**
 * Existing-or-create arguments, custom domains and WAF on the SPEKE and key delivery front doors, and every Input
 * argument given as an unknown Output (as in `pulumi preview` before the resource producing it exists).
 * Expected shapes: API Gateway developer guide ("Set up a regional custom domain name", base path / API mappings),
 * AWS WAF developer guide (REGIONAL web ACLs associate with REST API stages by stage ARN; HTTP APIs are not a
 * protected resource type: AWS WAF API Reference, "Welcome").
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { KeyDeliveryApi, type KeyDeliveryApiArgs } from "../../../components/aws/key-delivery-api";
import { SpekeKeyServer } from "../../../components/aws/speke-key-server";
import { SpekeVendorProxy } from "../../../components/aws/speke-vendor-proxy";
import {
  ACCOUNT,
  REGION,
  applyErrors,
  installMocks,
  ofType,
  policyOf,
  reveal,
  settle,
  unknown,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";
import { loadKeyplaneConfig } from "../../../functions/config";

const CERT = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`;
const WAF = `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/keyplane/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
const SEED_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:seed-AbCdEf`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-packager`;
const policy = {
  name: "open",
  options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
};
const delivery: KeyDeliveryApiArgs = {
  keySeedSecretArn: SEED_ARN,
  policies: [policy] as never,
  defaultPolicy: "open",
  corsAllowOrigins: ["https://player.example.com"],
};

describe("components/aws existing resources, custom domains and WAF", function () {
  this.timeout(30_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("SpekeKeyServer: an existing packager role is admitted and none is created; custom domain, Route 53 alias and WAF on the stage", async () => {
    const ks = new SpekeKeyServer("ks", {
      packagerRole: { existing: { arn: ROLE } },
      customDomain: { domainName: "keys.example.com", certificateArn: CERT, hostedZoneId: "Z0123456789ABC" },
      webAclArn: WAF,
    });
    await settle(ks);
    assert.ok(!ofType(rec, "aws:iam/role:Role").some((r) => r.name === "ks-packager"), "no packager role created");
    assert.ok(
      !ofType(rec, "aws:iam/rolePolicy:RolePolicy").some((r) => r.name === "ks-packager-invoke"),
      "nothing attached to a role we do not own",
    );
    const rp = policyOf(ofType(rec, "aws:apigateway/restApiPolicy:RestApiPolicy")[0]!.inputs.policy);
    assert.deepEqual(rp.Statement.find((s) => s.Effect === "Allow")!.Principal, { AWS: [ROLE] });
    assert.deepEqual(rp.Statement.find((s) => s.Effect === "Deny")!.Condition, {
      StringNotEquals: { "aws:PrincipalArn": [ROLE] },
    });
    assert.equal(await value(ks.packagerRoleArn), ROLE);

    const dn = reveal(ofType(rec, "aws:apigateway/domainName:DomainName")[0]!.inputs) as Record<string, any>;
    assert.equal(dn.domainName, "keys.example.com");
    assert.equal(dn.regionalCertificateArn, CERT);
    assert.deepEqual(dn.endpointConfiguration, { types: "REGIONAL" });
    assert.equal(dn.securityPolicy, "TLS_1_2");
    const bpm = reveal(ofType(rec, "aws:apigateway/basePathMapping:BasePathMapping")[0]!.inputs) as Record<string, any>;
    assert.equal(bpm.stageName, "v1");
    assert.equal(bpm.basePath, undefined, "stage mapped at the root");
    const dns = reveal(ofType(rec, "aws:route53/record:Record")[0]!.inputs) as Record<string, any>;
    assert.equal(dns.zoneId, "Z0123456789ABC");
    assert.equal(dns.type, "A");
    assert.deepEqual(dns.aliases, [
      { name: `d-abc123.execute-api.${REGION}.amazonaws.com`, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false },
    ]);
    const waf = reveal(ofType(rec, "aws:wafv2/webAclAssociation:WebAclAssociation")[0]!.inputs) as Record<string, any>;
    assert.equal(waf.webAclArn, WAF);
    assert.equal(
      waf.resourceArn,
      `arn:aws:apigateway:${REGION}::/restapis/ks-api-id/stages/v1`,
      "REST API stage ARN format (AWS WAF developer guide)",
    );
    assert.equal(await value(ks.url), "https://keys.example.com/speke");
    assert.deepEqual(await value(ks.customDomainTarget), {
      domainName: `d-abc123.execute-api.${REGION}.amazonaws.com`,
      hostedZoneId: "Z2FDTNDATAQYW2",
    });
  });

  it("SpekeVendorProxy shares the front door options: existing packager role and custom domain without DNS", async () => {
    const vp = new SpekeVendorProxy("vp", {
      vendor: { preset: "axinom", url: "https://key-server-management.axprod.net/api/SpekeV2" },
      credential: pulumi.secret({ tenantId: "t", managementKey: "k" }),
      packagerRole: { existing: { arn: ROLE } },
      customDomain: { domainName: "vendor-keys.example.com", certificateArn: CERT },
    });
    await settle(vp);
    assert.equal(ofType(rec, "aws:iam/role:Role").filter((r) => r.name === "vp-packager").length, 0);
    assert.equal(ofType(rec, "aws:route53/record:Record").length, 0, "no hosted zone: no record");
    assert.equal(ofType(rec, "aws:wafv2/webAclAssociation:WebAclAssociation").length, 0);
    assert.equal(await value(vp.url), "https://vendor-keys.example.com/speke");
    assert.equal(await value(vp.packagerRoleArn), ROLE);
  });

  it("KeyDeliveryApi: existing use-counter table, HTTP API custom domain (every URL output uses it)", async () => {
    const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shared-counters`;
    const kd = new KeyDeliveryApi("kd", {
      ...delivery,
      useCounterTable: { existing: { tableName: "shared-counters", tableArn: table } },
      customDomain: { domainName: "license.example.com", certificateArn: CERT, hostedZoneId: "Z0123456789ABC" },
    });
    await settle(kd);
    assert.equal(ofType(rec, "aws:dynamodb/table:Table").length, 0);
    const doc = policyOf(ofType(rec, "aws:iam/rolePolicy:RolePolicy")[0]!.inputs.policy);
    assert.equal(doc.Statement.find((s) => s.Action === "dynamodb:UpdateItem")!.Resource, table);
    const env = (
      reveal(ofType(rec, "aws:lambda/function:Function")[0]!.inputs.environment) as {
        variables: Record<string, string>;
      }
    ).variables;
    assert.deepEqual(loadKeyplaneConfig({ env }).delivery.useCounter, {
      type: "dynamodb",
      tableName: "shared-counters",
    });
    assert.equal(await value(kd.replayTableName), "shared-counters");

    const dn = reveal(ofType(rec, "aws:apigatewayv2/domainName:DomainName")[0]!.inputs) as Record<string, any>;
    assert.deepEqual(dn.domainNameConfiguration, {
      certificateArn: CERT,
      endpointType: "REGIONAL",
      securityPolicy: "TLS_1_2",
    });
    const mapping = reveal(ofType(rec, "aws:apigatewayv2/apiMapping:ApiMapping")[0]!.inputs) as Record<string, any>;
    assert.equal(mapping.stage, "$default");
    assert.equal(mapping.apiMappingKey, undefined);
    const dns = reveal(ofType(rec, "aws:route53/record:Record")[0]!.inputs) as Record<string, any>;
    assert.deepEqual(dns.aliases, [
      { name: `d-xyz789.execute-api.${REGION}.amazonaws.com`, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false },
    ]);
    assert.equal(await value(kd.url), "https://license.example.com");
    assert.equal(await value(kd.clearKeyLicenseUrl), "https://license.example.com/clearkey");
    assert.equal(await value(kd.tokenUrl), "https://license.example.com/token");
    assert.deepEqual(await value(kd.spekeSignalling), {
      publicBaseUrl: "https://license.example.com",
      hlsKeyUrlTemplate: "{base_url}/hls/key/{kid}",
    });
  });

  it("refuses WAF on the HTTP API, a CloudFront-scope web ACL, and malformed domains, naming argument and value", () => {
    assert.throws(
      () => new KeyDeliveryApi("w", { ...delivery, webAclArn: WAF as never }),
      /KeyDeliveryApi: webAclArn is not supported: AWS WAF cannot be associated with API Gateway HTTP APIs.*CloudFront/,
    );
    assert.throws(
      () =>
        new SpekeKeyServer("g", {
          webAclArn: `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/cf/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`,
        }),
      /SpekeKeyServer: webAclArn ".*global.*" is a CLOUDFRONT \(global\) web ACL/,
    );
    assert.throws(
      () => new SpekeKeyServer("d", { customDomain: { domainName: "Keys.Example.com", certificateArn: CERT } }),
      /SpekeKeyServer: customDomain.domainName "Keys.Example.com" must be a lower-case DNS host name/,
    );
    assert.throws(
      () =>
        new KeyDeliveryApi("c", {
          ...delivery,
          customDomain: { domainName: "k.example.com", certificateArn: "arn:aws:iam::1:x" },
        }),
      /KeyDeliveryApi: customDomain.certificateArn "arn:aws:iam::1:x" is not an ACM certificate ARN/,
    );
    assert.throws(
      () => new SpekeKeyServer("r", { packagerRole: { existing: { arn: "packager" } } }),
      /SpekeKeyServer: packagerRole.existing.arn "packager" must be an IAM role ARN/,
    );
  });

  it("validates Outputs when they resolve: messages name component, argument and value, never an Output", async () => {
    const errors = [
      ...(await applyErrors(
        () =>
          new SpekeKeyServer("late", {
            stageName: pulumi.output("v 1"),
            packagerRole: { existing: { arn: pulumi.output("nope") } },
          }),
      )),
      ...(await applyErrors(
        () =>
          new KeyDeliveryApi("late-kd", {
            ...delivery,
            corsAllowOrigins: pulumi.output(["http://player.example.com"]),
          }),
      )),
      ...(await applyErrors(
        () => new KeyDeliveryApi("late-kd2", { ...delivery, defaultPolicy: pulumi.output("missing") }),
      )),
      ...(await applyErrors(
        () =>
          new SpekeVendorProxy("late-vp", {
            vendor: { preset: "ezdrm", url: pulumi.output("https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?u=me") },
            credential: pulumi.secret({ username: "u", password: "p" }),
          }),
      )),
    ];
    const has = (s: string) =>
      assert.ok(
        errors.some((m) => m.includes(s)),
        `${s}\nnot in:\n${errors.join("\n")}`,
      );
    has('SpekeKeyServer: stageName "v 1" must match');
    has('SpekeKeyServer: packagerRole.existing.arn "nope" must be an IAM role ARN');
    has('KeyDeliveryApi: corsAllowOrigins "http://player.example.com" is not an origin');
    has('KeyDeliveryApi: invalid policies: defaultPolicy: no policy named "missing"');
    has('SpekeVendorProxy: vendor.url "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?u=me"');
    assert.ok(!errors.some((m) => /toString|Output<T>/.test(m)));
  });
});

describe("components/aws SPEKE and key delivery under preview (unknown Inputs)", function () {
  this.timeout(30_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks({ dryRun: true });
  });

  it("SpekeKeyServer, SpekeVendorProxy and KeyDeliveryApi create their children when every Input argument is unknown", async () => {
    const u = <T>(n: string) => unknown<T>(n);
    const errors = [
      ...(await applyErrors(
        () =>
          new SpekeKeyServer("pks", {
            keySeed: u<string>("u-seed"),
            kmsKeyArn: u<string>("u-kms"),
            speke: u<never>("u-speke"),
            contentKeyRegistry: { tableName: u<string>("u-rt"), tableArn: u<string>("u-ra") },
            additionalPackagerRoleArns: u<string[]>("u-more"),
            stageName: u<string>("u-stage"),
            secretRecoveryWindowInDays: u<number>("u-rw"),
            packagerRole: { existing: { arn: u<string>("u-role") } },
            customDomain: {
              domainName: u<string>("u-dn"),
              certificateArn: u<string>("u-cert"),
              hostedZoneId: u<string>("u-zone"),
            },
            webAclArn: u<string>("u-waf"),
            alarmActions: [u<string>("u-topic")],
            latencyAlarmMs: u<number>("u-lat"),
            tags: u<Record<string, string>>("u-tags"),
          }),
      )),
      ...(await applyErrors(
        () => new SpekeKeyServer("pks2", { existingKeySeedSecretArn: u<string>("u-existing-seed") }),
      )),
      ...(await applyErrors(
        () =>
          new SpekeVendorProxy("pvp", {
            vendor: {
              preset: "generic",
              url: u<string>("u-vurl"),
              headerName: u<string>("u-h"),
              kidOverrideHeaderName: u<string>("u-kh"),
              kidOverrideValue: u<string>("u-kv"),
              timeoutMs: u<number>("u-to"),
            },
            credential: u<{ key: string }>("u-cred"),
            kmsKeyArn: u<string>("u-vkms"),
            stageName: u<string>("u-vstage"),
          }),
      )),
      ...(await applyErrors(
        () =>
          new SpekeVendorProxy("pvi", {
            vendor: { preset: "ezdrm", url: u<string>("u-vurl2") },
            credential: u<{ username: string; password: string }>("u-cred2"),
            mode: "integration",
          }),
      )),
      ...(await applyErrors(
        () =>
          new KeyDeliveryApi("pkd", {
            keySeedSecretArn: u<string>("u-kseed"),
            keySeedKmsKeyArn: u<string>("u-kkms"),
            policies: u<never[]>("u-pol"),
            bindings: u<never[]>("u-bind"),
            defaultPolicy: u<string>("u-def"),
            contentKeyRegistry: { tableName: u<string>("u-krt"), tableArn: u<string>("u-kra") },
            corsAllowOrigins: u<string[]>("u-cors"),
            throttle: { burstLimit: u<number>("u-burst"), rateLimit: u<number>("u-rate") },
            delivery: u<never>("u-knobs"),
            license: u<Record<string, unknown>>("u-lic"),
            useCounterTable: { existing: { tableName: u<string>("u-ct"), tableArn: u<string>("u-ca") } },
            customDomain: { domainName: u<string>("u-kdn"), certificateArn: u<string>("u-kcert") },
            environmentKmsKeyArn: u<string>("u-ekms"),
          }),
      )),
    ];
    assert.deepEqual(errors, []);
    assert.equal(ofType(rec, "aws:lambda/function:Function").length, 4);
    assert.equal(ofType(rec, "aws:apigateway/restApi:RestApi").length, 4);
    assert.equal(ofType(rec, "aws:apigateway/domainName:DomainName").length, 1);
    assert.equal(ofType(rec, "aws:wafv2/webAclAssociation:WebAclAssociation").length, 1);
    assert.equal(ofType(rec, "aws:apigatewayv2/domainName:DomainName").length, 1);
    assert.equal(ofType(rec, "aws:apigatewayv2/route:Route").length, 4);
  });
});
