import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { bundleFunction } from "../../../components/shared/bundle";
import { KeySeed } from "../../../functions/keys/seed";
import {
  DELIVERY_ENTRY,
  KeyDeliveryApi,
  KEY_DELIVERY_ROUTES,
  type KeyDeliveryApiArgs,
} from "../../../components/aws/key-delivery-api";
import type { ContentKeyPolicyInput } from "../../../functions/policy/model";
import {
  ACCOUNT,
  REGION,
  assertLeastPrivilege,
  installMocks,
  isSecretValue,
  ofType,
  policyOf,
  reveal,
  applyErrors,
  settle,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";
import { generateKeyPairSync } from "node:crypto";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";
import { loadKeyplaneConfig } from "../../../functions/config";
import { RENAMED_ENV } from "../../../functions/config-env";

const SEED = MICROSOFT_TEST_SEED_B64; // Microsoft's published PlayReady test key seed
const KID = "0f083e4e-b831-4a3d-917e-ce78076e54aa";
const SEED_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ks-key-seed-AbCdEf`;
const policy: ContentKeyPolicyInput = {
  name: "premium",
  options: [
    {
      name: "clearkey-token",
      configuration: { type: "ClearKey" },
      restriction: {
        type: "Token",
        issuer: "https://issuer.example",
        audience: "urn:player",
        tokenType: "Jwt",
        primaryVerificationKey: { type: "Symmetric", keyValue: Buffer.alloc(32, 5).toString("base64") },
        requiredClaims: [{ claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" }],
      },
    },
  ],
};
const base: KeyDeliveryApiArgs = {
  keySeedSecretArn: SEED_ARN,
  policies: [policy],
  defaultPolicy: "premium",
  corsAllowOrigins: ["https://player.example.com"],
};

describe("components/aws KeyDeliveryApi", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("creates the HTTP API, routes, TTL table and a least-privilege function with policies kept secret", async () => {
    const kd = new KeyDeliveryApi("kd", { ...base, throttle: { burstLimit: 50, rateLimit: 20 } });
    await settle(kd);
    assert.equal(ofType(rec, "aws:apigatewayv2/api:Api").length, 1);
    assert.deepEqual(
      ofType(rec, "aws:apigatewayv2/route:Route")
        .map((r) => r.inputs.routeKey)
        .sort(),
      [...KEY_DELIVERY_ROUTES].sort(),
    );
    assert.equal(ofType(rec, "aws:lambda/function:Function").length, 1);
    assert.equal(ofType(rec, "aws:lambda/permission:Permission").length, KEY_DELIVERY_ROUTES.length);

    const api = reveal(ofType(rec, "aws:apigatewayv2/api:Api")[0]!.inputs) as Record<string, any>;
    assert.equal(api.protocolType, "HTTP");
    assert.deepEqual(api.corsConfiguration.allowOrigins, ["https://player.example.com"]);
    assert.equal(api.corsConfiguration.allowCredentials, false);

    const stage = reveal(ofType(rec, "aws:apigatewayv2/stage:Stage")[0]!.inputs) as Record<string, any>;
    assert.equal(stage.defaultRouteSettings.throttlingBurstLimit, 50);
    assert.equal(stage.defaultRouteSettings.throttlingRateLimit, 20);
    assert.ok(stage.accessLogSettings.destinationArn);
    assert.ok(!stage.accessLogSettings.format.includes("$context.path"), "access logs never record paths with ?token=");

    const table = reveal(ofType(rec, "aws:dynamodb/table:Table")[0]!.inputs) as Record<string, any>;
    assert.deepEqual(table.ttl, { attributeName: "expiresAt", enabled: true });
    assert.equal(table.hashKey, "pk");
    assert.equal(table.billingMode, "PAY_PER_REQUEST");

    const doc = policyOf(ofType(rec, "aws:iam/rolePolicy:RolePolicy")[0]!.inputs.policy);
    assertLeastPrivilege(doc, "delivery function");
    assert.deepEqual(doc.Statement.find((s) => s.Action === "secretsmanager:GetSecretValue")!.Resource, SEED_ARN);
    assert.deepEqual(
      doc.Statement.find((s) => s.Action === "dynamodb:UpdateItem")!.Resource,
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/kd-replay`,
    );

    const fn = ofType(rec, "aws:lambda/function:Function")[0]!;
    assert.ok(isSecretValue(fn.inputs.environment), "the environment (with verification keys) is secret in state");
    const env = (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
    assert.equal(env.KEY_SEED_SECRET_ARN, SEED_ARN);
    // One document plus the policies and the seed reference; none of the 0.1.0 variables.
    assert.deepEqual(Object.keys(env).sort(), ["KEYPLANE_CONFIG", "KEYPLANE_DELIVERY_POLICIES", "KEY_SEED_SECRET_ARN"]);
    for (const r of RENAMED_ENV) assert.equal(env[r.old], undefined, `${r.old} is not emitted`);
    const policies = JSON.parse(env.KEYPLANE_DELIVERY_POLICIES!) as {
      policies: { name: string }[];
      defaultPolicy: string;
    };
    assert.equal(policies.policies[0]!.name, "premium");
    assert.equal(policies.defaultPolicy, "premium");
    // Read back by the core's one loader, from exactly this environment.
    const cfg = loadKeyplaneConfig({ env });
    assert.deepEqual(cfg.delivery.useCounter, { type: "dynamodb", tableName: "kd-replay" });
    assert.deepEqual(cfg.delivery.cors, { allowOrigins: ["https://player.example.com"] });
    assert.equal(cfg.delivery.policyEnv, "KEYPLANE_DELIVERY_POLICIES");
    assert.equal(cfg.delivery.lab, false);
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);

    const url = await value(kd.url);
    assert.equal(await value(kd.clearKeyLicenseUrl), `${url}/clearkey`);
    assert.equal(await value(kd.hlsKeyUrlTemplate), `${url}/hls/key/{kid}`);
    assert.deepEqual(await value(kd.spekeSignalling), {
      publicBaseUrl: url,
      hlsKeyUrlTemplate: "{base_url}/hls/key/{kid}",
    });
    assert.ok(
      kd.bundleSizeBytes > 0 && kd.bundleSizeBytes < 2.5 * 1024 * 1024,
      `delivery bundle ${kd.bundleSizeBytes} bytes (budget 2.5 MiB)`,
    );
  });

  it("the bundled delivery handler runs with exactly the environment the component sets (HTTP API v2 events)", async () => {
    const kd = new KeyDeliveryApi("kd2", {
      ...base,
      delivery: {
        tokenIssuer: { issuer: "https://issuer.example", audience: "urn:player" },
        tokenLifetimeSeconds: 600,
      },
    });
    await settle(kd);
    const env = (
      reveal(ofType(rec, "aws:lambda/function:Function")[0]!.inputs.environment) as {
        variables: Record<string, string>;
      }
    ).variables;
    const { delivery } = loadKeyplaneConfig({ env });
    assert.equal(delivery.tokenIssuer.issuer, "https://issuer.example");
    assert.equal(delivery.tokenIssuer.audience, "urn:player");
    assert.equal(delivery.tokenLifetimeSeconds, 600);

    const saved = { ...process.env };
    const dir = mkdtempSync(join(tmpdir(), "keyplane-delivery-bundle-"));
    try {
      Object.assign(process.env, env, { KEY_SEED: SEED, LOG_LEVEL: "error" }); // env KEY_SEED wins over KEY_SEED_SECRET_ARN
      writeFileSync(join(dir, "index.js"), bundleFunction(DELIVERY_ENTRY).code);
      const { handler } = require(join(dir, "index.js")) as {
        handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string; isBase64Encoded?: boolean }>;
      };
      const event = (rawPath: string, headers: Record<string, string>, rawQueryString = "") => ({
        version: "2.0",
        routeKey: "GET /hls/key/{kid}",
        rawPath,
        rawQueryString,
        headers,
        requestContext: {
          http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "198.51.100.7", userAgent: "test" },
          requestId: "r",
          stage: "$default",
          domainName: "x.execute-api.eu-west-1.amazonaws.com",
          accountId: ACCOUNT,
          apiId: "x",
        },
        isBase64Encoded: false,
      });
      const refused = await handler(event(`/hls/key/${KID}`, {}), {});
      assert.ok(
        refused.statusCode === 401 || refused.statusCode === 403,
        `no token is refused (got ${refused.statusCode})`,
      );

      const token = await new SignJWT({ "urn:microsoft:azure:mediaservices:contentkeyidentifier": KID })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("https://issuer.example")
        .setAudience("urn:player")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(Buffer.alloc(32, 5));
      const ok = await handler(event(`/hls/key/${KID}`, { authorization: `Bearer ${token}` }), {});
      assert.equal(ok.statusCode, 200);
      const key = Buffer.from(ok.body, ok.isBase64Encoded ? "base64" : "binary");
      assert.equal(key.length, 16);
      assert.ok(
        key.equals(KeySeed.fromBase64(SEED).contentKey(Buffer.from(KID.replace(/-/g, ""), "hex"))),
        "the key the shared seed derives",
      );
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses at plan time an environment over Lambda's 4 KB (names and sizes, never the values)", async () => {
    // Lambda developer guide, quotas: "Function environment variables: 4 KB, for all environment variables
    // associated with the function, in aggregate". A PKCS#8 RSA-2048 PEM is about 1.7 KB; policies near their 3 KiB
    // budget (inline symmetric keys) take the rest.
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const many: ContentKeyPolicyInput[] = Array.from({ length: 5 }, (_, i) => ({ ...policy, name: `p${i}` }));
    const errors = await applyErrors(
      () =>
        new KeyDeliveryApi("big", {
          ...base,
          policies: many,
          defaultPolicy: "p0",
          delivery: { tokenIssuer: { signingKey: { alg: "RS256", privateKeyPem: pem } } },
        }),
    );
    const m = errors.find((e) => e.includes("Lambda allows 4096 in all"));
    assert.ok(m, errors.join("\n"));
    assert.match(
      m,
      /KeyDeliveryApi: the function's environment takes \d+ bytes \(KEY_SEED_SECRET_ARN \d+, KEYPLANE_CONFIG \d+, KEYPLANE_DELIVERY_POLICIES \d+\)/,
    );
    assert.ok(!m.includes("PRIVATE KEY") && !m.includes(pem.slice(40, 80)), "the message never carries the key");
  });

  it("refuses invalid arguments with clear errors", () => {
    assert.throws(() => new KeyDeliveryApi("b1", { ...base, corsAllowOrigins: ["*"] }), /cannot be "\*"/);
    assert.throws(
      () => new KeyDeliveryApi("b2", { ...base, corsAllowOrigins: ["http://player.example.com"] }),
      /is not an origin/,
    );
    assert.throws(
      () => new KeyDeliveryApi("b3", { ...base, policies: [{ name: "bad name", options: [] }] as never }),
      /invalid policies: policies.0.name/,
    );
    assert.throws(() => new KeyDeliveryApi("b4", { ...base, defaultPolicy: "missing" }), /no policy named "missing"/);
    assert.throws(() => new KeyDeliveryApi("b5", { ...base, throttle: { burstLimit: 0 } }), /burstLimit/);
    const big = {
      ...policy,
      options: Array.from({ length: 20 }, (_, i) => ({ ...policy.options[0]!, name: `o${i}` })),
    };
    assert.throws(() => new KeyDeliveryApi("b6", { ...base, policies: [big] }), /Lambda environments hold 4 KiB/);
    assert.throws(() => new KeyDeliveryApi("b7", { ...base, keySeedSecretArn: "" }), /keySeedSecretArn is required/);
    assert.throws(
      () => new KeyDeliveryApi("b8", { ...base, delivery: { clockSkewSeconds: 600 } }),
      /KeyDeliveryApi: invalid configuration: delivery\.clockSkewSeconds: /,
    );
  });
});
