/**
 * The `delivery` section: defaults, file + environment precedence, and errors naming the bad path (through the one
 * loader, functions/config.ts `loadKeyplaneConfig`).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLabMode, type DeliveryConfigInput } from "../../../functions/delivery/config";
import { loadKeyplaneConfig, type LoadKeyplaneConfigOptions } from "../../../functions/config";
import { createPolicyStore } from "../../../functions/delivery/policy-source";
import { parseEntitlementRules, RulesEntitlements } from "../../../functions/delivery/entitlements";
import { staticContext } from "../../../functions/context";
import { silentLogger } from "../../../functions/log";
import { KeyplaneError } from "../../../functions/errors";
import { seed } from "../../support/delivery";

const dir = mkdtempSync(join(tmpdir(), "keyplane-cfg-"));
/** The delivery section as a process loads it; `overrides` are delivery fields. */
const loadDeliveryConfig = (o: Omit<LoadKeyplaneConfigOptions, "overrides"> & { overrides?: DeliveryConfigInput }) =>
  loadKeyplaneConfig({ ...o, overrides: { delivery: o.overrides ?? {} } }).delivery;
const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof KeyplaneError);
    return `${e.code}: ${e.message}`;
  }
  return assert.fail("expected an error");
};

describe("delivery config", () => {
  it("zero config has safe defaults and is not lab mode", () => {
    const c = loadDeliveryConfig({ env: {} });
    assert.equal(c.tokenLifetimeSeconds, 3600);
    assert.equal(c.clockSkewSeconds, 60);
    assert.equal(c.policyCacheTtlSeconds, 60);
    assert.deepEqual(c.cors.allowOrigins, []);
    assert.equal(c.useCounter.type, "memory");
    // Lab mode is opt-in: zero config without `lab` has no policies and must not fall back to the lab policy.
    assert.equal(c.lab, false);
    assert.ok(!isLabMode(c, {}));
    const lab = loadDeliveryConfig({ env: {}, overrides: { lab: true } });
    assert.ok(isLabMode(lab, {}));
    assert.ok(!isLabMode(lab, { KEYPLANE_DELIVERY_POLICIES: "{}" }));
  });

  it("reads a JSON file, then environment variables override it", () => {
    const f = join(dir, "keyplane.json");
    writeFileSync(
      f,
      JSON.stringify({
        delivery: { clockSkewSeconds: 30, tokenLifetimeSeconds: 600, tokenIssuer: { issuer: "https://sts" } },
      }),
    );
    const c = loadDeliveryConfig({
      env: {
        KEYPLANE_CONFIG_FILE: f,
        KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: "90",
        KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS: "https://a.example, https://b.example",
        KEYPLANE_DELIVERY_USE_COUNTER: JSON.stringify({ type: "dynamodb", tableName: "uses" }),
      },
    });
    assert.equal(c.clockSkewSeconds, 90);
    assert.equal(c.verifiedTokenCacheSeconds, 60);
    assert.equal(
      loadDeliveryConfig({ env: { KEYPLANE_DELIVERY_VERIFIED_TOKEN_CACHE_SECONDS: "0" } }).verifiedTokenCacheSeconds,
      0,
    );
    assert.equal(c.tokenLifetimeSeconds, 600);
    assert.equal(c.tokenIssuer.issuer, "https://sts");
    assert.deepEqual(c.cors.allowOrigins, ["https://a.example", "https://b.example"]);
    assert.deepEqual(c.useCounter, { type: "dynamodb", tableName: "uses" });
  });

  it("errors name the bad path", () => {
    assert.match(
      message(() => loadDeliveryConfig({ env: { KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: "300" } })),
      /CONFIG_INVALID: .*delivery\.clockSkewSeconds: .*\(from KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS\)/,
    );
    assert.match(
      message(() => loadDeliveryConfig({ env: { KEYPLANE_DELIVERY_VERIFIED_TOKEN_CACHE_SECONDS: "301" } })),
      /CONFIG_INVALID: .*delivery\.verifiedTokenCacheSeconds: /,
    );
    assert.match(
      message(() => loadDeliveryConfig({ env: { KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: "abc" } })),
      /KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS \(delivery\.clockSkewSeconds\) must be a whole number/,
    );
    assert.match(
      message(() =>
        loadDeliveryConfig({ env: {}, overrides: { tokenLifetimeSeconds: 7200, maxTokenLifetimeSeconds: 3600 } }),
      ),
      /tokenLifetimeSeconds: must not exceed/,
    );
    assert.match(
      message(() =>
        loadDeliveryConfig({
          env: { KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY: JSON.stringify({ alg: "HS256", keyBase64: "c2hvcnQ=" }) },
        }),
      ),
      /delivery\.tokenIssuer\.signingKey\.keyBase64: HS256 keys must be at least 32 bytes \(from KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY\)/,
    );
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "[1,2]");
    assert.match(
      message(() => loadDeliveryConfig({ env: {}, file: bad })),
      /bad\.json: \(root\): expected an object/,
    );
    assert.match(
      message(() => loadDeliveryConfig({ env: {}, file: join(dir, "missing.json") })),
      /Cannot read the configuration file .*missing\.json: ENOENT/,
    );
  });

  it("takes entitlement rules inline or from a file, not both", () => {
    const rules = { auth: { mode: "open" as const }, rules: [{ subjects: ["*"], kids: ["*"] }] };
    const c = loadDeliveryConfig({ env: {}, overrides: { entitlements: rules } });
    assert.deepEqual(c.entitlements?.rules[0]?.subjects, ["*"]);
    assert.match(
      message(() => loadDeliveryConfig({ env: {}, overrides: { entitlements: rules, entitlementsFile: "r.json" } })),
      /delivery\.entitlements: give the entitlement rules inline \(entitlements\) or as a file/,
    );
  });
});

describe("policy store", () => {
  const ctx = staticContext(seed, { logger: silentLogger });
  const open = {
    policies: [
      { name: "o", options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }] },
    ],
    defaultPolicy: "o",
  };

  it("refuses to start without a policy source unless lab mode is on (fail closed)", () => {
    assert.throws(
      () => createPolicyStore(ctx, loadDeliveryConfig({ env: {} }), {}),
      (e: unknown) => (e as { code?: string }).code === "POLICY_SOURCE_MISSING",
    );
    assert.equal(createPolicyStore(ctx, loadDeliveryConfig({ env: {}, overrides: { lab: true } }), {}).mode, "lab");
  });

  it("loads policies from the env var (Lambda) and names it in errors", async () => {
    const c = loadDeliveryConfig({ env: {} });
    const s = createPolicyStore(ctx, c, { KEYPLANE_DELIVERY_POLICIES: JSON.stringify(open) });
    assert.equal(s.mode, "env");
    assert.equal((await s.get()).policyFor({ kid: Buffer.alloc(16) })?.name, "o");
    const bad = createPolicyStore(ctx, c, {
      KEYPLANE_DELIVERY_POLICIES: JSON.stringify({ policies: [], defaultPolicy: 1 }),
    });
    await assert.rejects(bad.get(), /environment variable KEYPLANE_DELIVERY_POLICIES: policies: .*defaultPolicy/);
  });

  it("re-reads the policy file after the cache TTL, keeps the last good one on a bad edit", async () => {
    const f = join(dir, "p.json");
    writeFileSync(f, JSON.stringify(open));
    const clock = { t: 0 };
    const tctx = staticContext(seed, { logger: silentLogger, now: () => clock.t });
    const s = createPolicyStore(
      tctx,
      loadDeliveryConfig({ env: {}, overrides: { policyFile: f, policyCacheTtlSeconds: 10 } }),
      {},
    );
    assert.equal(s.current(), undefined, "nothing in memory before the first load");
    const first = await s.get();
    assert.equal(s.current(), first, "current() answers from memory within the TTL");
    writeFileSync(
      f,
      JSON.stringify({ ...open, policies: [...open.policies, { ...open.policies[0], name: "p" }], defaultPolicy: "p" }),
    );
    assert.equal(await s.get(), first, "cached within the TTL");
    clock.t = 11_000;
    assert.equal(s.current(), undefined, "past the TTL current() defers to get(), which re-reads");
    assert.equal((await s.get()).policyFor({})?.name, "p");
    writeFileSync(f, "{broken");
    clock.t = 22_000;
    assert.equal((await s.get()).policyFor({})?.name, "p");
  });

  it("fails closed on a bad first load, naming the file and path", async () => {
    const f = join(dir, "bad-policy.json");
    writeFileSync(f, JSON.stringify({ policies: [{ name: "x y", options: [] }] }));
    const s = createPolicyStore(ctx, loadDeliveryConfig({ env: {}, overrides: { policyFile: f } }), {});
    await assert.rejects(s.get(), /bad-policy\.json: policies\.0\.name: .*policies\.0\.options/);
  });
});

describe("entitlement rules", () => {
  it("validates rules, naming bad paths", () => {
    assert.match(
      message(() =>
        parseEntitlementRules({ auth: { mode: "open" }, rules: [{ subjects: ["a"], kids: ["zz"] }] }, "rules.json"),
      ),
      /rules\.json: rules\.0\.kids\.0: must be \* or a KID/,
    );
    assert.match(
      message(() => parseEntitlementRules({ auth: { mode: "magic" }, rules: [] })),
      /auth/,
    );
    assert.match(
      message(() => new RulesEntitlements(parseEntitlementRules({ auth: { mode: "clientSecret" }, rules: [] }), {})),
      /needs secretSha256/,
    );
  });
  it("takes client secrets from an environment variable", async () => {
    const e = new RulesEntitlements(
      parseEntitlementRules({
        auth: { mode: "clientSecret", secretEnv: "S" },
        rules: [{ subjects: ["*"], kids: ["*"] }],
      }),
      { S: "one,two" },
    );
    const req = (secret?: string) => ({
      subject: "x",
      kids: [],
      tokenType: "Jwt" as const,
      header: (n: string) => (n === "x-keyplane-client-secret" ? secret : undefined),
    });
    assert.ok(await e.decide(req("two")));
    await assert.rejects(e.decide(req("three")), /x-keyplane-client-secret/);
    await assert.rejects(e.decide(req()), /x-keyplane-client-secret/);
  });
});
