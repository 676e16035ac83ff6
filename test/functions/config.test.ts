/**
 * The one Keyplane configuration (functions/config.ts, config-source.ts, config-env.ts): where the document comes
 * from, precedence, every environment override, old names refused with their replacement (the issue 17 mapping, written
 * out here rather than read from the table), unknown section variables refused, errors that never show a value, and
 * section-at-a-time parsing for the function entries.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKeyplaneConfig, parseKeyplaneConfig } from "../../functions/config";
import { CONFIG_SECTIONS, ENV_OVERRIDES, RENAMED_ENV, screamingSnake } from "../../functions/config-env";
import { loadConfigSections, mergeConfig } from "../../functions/config-source";
import { KeyplaneError } from "../../functions/errors";
import { spekeConfigSchema } from "../../functions/speke/config";
import * as z from "../../functions/zod";

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof KeyplaneError, String(e));
    assert.equal(e.code, "CONFIG_INVALID");
    return e.message;
  }
  return assert.fail("expected an error");
};

const at = (o: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

const HS256_KEY = Buffer.alloc(32, 9).toString("base64");

describe("configuration: one document", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kp-config-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, doc: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, typeof doc === "string" ? doc : JSON.stringify(doc));
    return f;
  };

  it("comes from KEYPLANE_CONFIG_FILE or KEYPLANE_CONFIG (inline), not both; `{}` without either", () => {
    const doc = { $schema: "./schema/keyplane.config.schema.json", speke: { maxContentKeys: 8 } };
    assert.equal(loadKeyplaneConfig({ env: { KEYPLANE_CONFIG_FILE: file("a.json", doc) } }).speke.maxContentKeys, 8);
    assert.equal(loadKeyplaneConfig({ env: { KEYPLANE_CONFIG: JSON.stringify(doc) } }).speke.maxContentKeys, 8);
    assert.equal(loadKeyplaneConfig({ env: {} }).speke.maxContentKeys, 64);
    const both = message(() =>
      loadKeyplaneConfig({ env: { KEYPLANE_CONFIG_FILE: file("b.json", {}), KEYPLANE_CONFIG: "{}" } }),
    );
    assert.match(both, /KEYPLANE_CONFIG_FILE/);
    assert.match(both, /KEYPLANE_CONFIG \(the same document inline\), not both/);
  });

  it("refuses unknown sections and fields, a non-string $schema, non-JSON and non-objects", () => {
    assert.match(
      message(() => loadKeyplaneConfig({ env: {}, document: { spek: {} } })),
      /Unrecognized key: "spek"/,
    );
    assert.match(
      message(() => loadKeyplaneConfig({ env: {}, document: { speke: { maxKeys: 1 } } })),
      /speke: Unrecognized key: "maxKeys"/,
    );
    assert.match(
      message(() => loadKeyplaneConfig({ env: {}, document: { $schema: 1 } })),
      /\$schema/,
    );
    assert.match(
      message(() => loadKeyplaneConfig({ env: { KEYPLANE_CONFIG: "{" } })),
      /KEYPLANE_CONFIG is not valid JSON/,
    );
    assert.match(
      message(() => loadKeyplaneConfig({ env: { KEYPLANE_CONFIG: "[]" } })),
      /\(root\): expected an object/,
    );
    assert.match(
      message(() => loadKeyplaneConfig({ env: { KEYPLANE_CONFIG_FILE: join(dir, "none.json") } })),
      /Cannot read the configuration file .*none\.json: ENOENT/,
    );
  });

  it("precedence, lowest first: schema defaults, defaults, the document, the environment, overrides", () => {
    const field = (o: Parameters<typeof loadKeyplaneConfig>[0]) => loadKeyplaneConfig(o).delivery.clockSkewSeconds;
    assert.equal(field({ env: {} }), 60);
    assert.equal(field({ env: {}, defaults: { delivery: { clockSkewSeconds: 5 } } }), 5);
    const document = { delivery: { clockSkewSeconds: 10 } };
    assert.equal(field({ env: {}, defaults: { delivery: { clockSkewSeconds: 5 } }, document }), 10);
    const env = { KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: "20" };
    assert.equal(field({ env, document }), 20);
    assert.equal(field({ env, document, overrides: { delivery: { clockSkewSeconds: 30 } } }), 30);
  });

  it("merges objects field by field, and replaces tagged variants and lists whole", () => {
    const c = loadKeyplaneConfig({
      env: { KEYPLANE_DELIVERY_TOKEN_ISSUER: "https://sts.example" },
      defaults: { contentKeyRegistry: { type: "file", path: "/tmp/x.jsonl" } },
      document: {
        delivery: { tokenIssuer: { audience: "players" }, cors: { allowOrigins: ["https://a.example"] } },
        contentKeyRegistry: { type: "memory" },
      },
      overrides: { delivery: { cors: { allowOrigins: ["https://b.example"] } } },
    });
    assert.deepEqual(c.delivery.tokenIssuer, { issuer: "https://sts.example", audience: "players" });
    assert.deepEqual(c.contentKeyRegistry, { type: "memory" });
    assert.deepEqual(c.delivery.cors.allowOrigins, ["https://b.example"]);
    assert.deepEqual(mergeConfig({ a: { type: "x", p: 1 } }, { a: { type: "y" } }), { a: { type: "y" } });
  });

  /** One valid value per override and what the loaded configuration then holds at its path. */
  const SAMPLES: Record<string, [string, unknown]> = {
    KEYPLANE_SPEKE_PUBLIC_BASE_URL: ["https://keys.example.com", "https://keys.example.com"],
    KEYPLANE_DELIVERY_POLICY_FILE: ["/etc/keyplane/policies.json", "/etc/keyplane/policies.json"],
    KEYPLANE_DELIVERY_POLICY_ENV: ["MY_POLICIES", "MY_POLICIES"],
    KEYPLANE_DELIVERY_POLICY_CACHE_TTL_SECONDS: ["120", 120],
    KEYPLANE_DELIVERY_ENTITLEMENTS_FILE: ["/etc/keyplane/rules.json", "/etc/keyplane/rules.json"],
    KEYPLANE_DELIVERY_TOKEN_ISSUER: ["https://sts.example", "https://sts.example"],
    KEYPLANE_DELIVERY_TOKEN_AUDIENCE: ["players", "players"],
    KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY: [
      JSON.stringify({ alg: "HS256", keyBase64: HS256_KEY }),
      { alg: "HS256", keyBase64: HS256_KEY },
    ],
    KEYPLANE_DELIVERY_TOKEN_LIFETIME_SECONDS: ["600", 600],
    KEYPLANE_DELIVERY_MAX_TOKEN_LIFETIME_SECONDS: ["7200", 7200],
    KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: ["30", 30],
    KEYPLANE_DELIVERY_VERIFIED_TOKEN_CACHE_SECONDS: ["0", 0],
    KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS: [
      "https://a.example, https://b.example,",
      ["https://a.example", "https://b.example"],
    ],
    KEYPLANE_DELIVERY_USE_COUNTER: ['{"type":"dynamodb","tableName":"uses"}', { type: "dynamodb", tableName: "uses" }],
    KEYPLANE_CONTENT_KEY_REGISTRY: ['{"type":"dynamodb","tableName":"kids"}', { type: "dynamodb", tableName: "kids" }],
  };

  for (const o of ENV_OVERRIDES) {
    it(`${o.env} sets ${o.path}`, () => {
      const sample = SAMPLES[o.env];
      assert.ok(sample, `a sample value for ${o.env}`);
      const c = loadKeyplaneConfig({ env: { [o.env]: sample[0] } });
      assert.deepEqual(at(c, o.path), sample[1]);
      // Named KEYPLANE_<SECTION>_<FIELD>: the section of its path, in SCREAMING_SNAKE.
      const section = o.path.split(".")[0]!;
      assert.ok((CONFIG_SECTIONS as readonly string[]).includes(section));
      assert.ok(
        o.env === `KEYPLANE_${screamingSnake(section)}` || o.env.startsWith(`KEYPLANE_${screamingSnake(section)}_`),
      );
    });
  }

  it("override errors name the variable and the path, never the value (the signing key)", () => {
    const secret = "c2VjcmV0LXNpZ25pbmcta2V5LXRoYXQtbXVzdC1ub3QtbGVhaw";
    const broken = message(() =>
      loadKeyplaneConfig({ env: { KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY: `{"alg":"HS256","keyBase64":"${secret}"` } }),
    );
    assert.match(broken, /KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY \(delivery\.tokenIssuer\.signingKey\) must be JSON/);
    assert.ok(!broken.includes(secret));
    const invalid = message(() =>
      loadKeyplaneConfig({
        env: { KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY: JSON.stringify({ alg: "HS256", keyBase64: "c2hvcnQ=" }) },
      }),
    );
    assert.match(
      invalid,
      /delivery\.tokenIssuer\.signingKey\.keyBase64: .* \(from KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY\)/,
    );
    assert.ok(!invalid.includes("c2hvcnQ="));
    // A configuration file that is not JSON: the parser's message (which quotes the text) is not passed on.
    const f = file("broken.json", `{"delivery":{"tokenIssuer":{"signingKey":{"keyBase64":"${secret}"}}}`);
    const fromFile = message(() => loadKeyplaneConfig({ env: { KEYPLANE_CONFIG_FILE: f } }));
    assert.match(fromFile, /broken\.json is not JSON/);
    assert.ok(!fromFile.includes(secret));
    assert.match(
      message(() => loadKeyplaneConfig({ env: { KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: "1.5" } })),
      /KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS \(delivery\.clockSkewSeconds\) must be a whole number/,
    );
  });

  /** The replacements issue 17 gives for the 0.1.0 names. */
  const OLD_NAMES: [string, string][] = [
    ["KEYPLANE_DELIVERY_CONFIG", "KEYPLANE_CONFIG_FILE"],
    ["KEYPLANE_POLICY_FILE", "KEYPLANE_DELIVERY_POLICY_FILE"],
    ["KEYPLANE_POLICY_ENV", "KEYPLANE_DELIVERY_POLICY_ENV"],
    ["KEYPLANE_POLICY_CACHE_TTL_SECONDS", "KEYPLANE_DELIVERY_POLICY_CACHE_TTL_SECONDS"],
    ["KEYPLANE_ENTITLEMENTS_FILE", "KEYPLANE_DELIVERY_ENTITLEMENTS_FILE"],
    ["KEYPLANE_ENTITLEMENTS_JSON", "delivery.entitlements"],
    ["KEYPLANE_TOKEN_ISSUER", "KEYPLANE_DELIVERY_TOKEN_ISSUER"],
    ["KEYPLANE_TOKEN_AUDIENCE", "KEYPLANE_DELIVERY_TOKEN_AUDIENCE"],
    ["KEYPLANE_TOKEN_SIGNING_KEY", "KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY"],
    ["KEYPLANE_TOKEN_LIFETIME_SECONDS", "KEYPLANE_DELIVERY_TOKEN_LIFETIME_SECONDS"],
    ["KEYPLANE_TOKEN_MAX_LIFETIME_SECONDS", "KEYPLANE_DELIVERY_MAX_TOKEN_LIFETIME_SECONDS"],
    ["KEYPLANE_CLOCK_SKEW_SECONDS", "KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS"],
    ["KEYPLANE_VERIFIED_TOKEN_CACHE_SECONDS", "KEYPLANE_DELIVERY_VERIFIED_TOKEN_CACHE_SECONDS"],
    ["KEYPLANE_CORS_ORIGINS", "KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS"],
    ["KEYPLANE_USE_COUNTER_TABLE", "KEYPLANE_DELIVERY_USE_COUNTER"],
    ["KEYPLANE_USE_COUNTER_TABLE_AZURE", "delivery.useCounter"],
    ["KEYPLANE_REGISTRY_TABLE", "contentKeyRegistry"],
    ["KEYPLANE_TABLE_ENDPOINT", "contentKeyRegistry"],
  ];

  for (const [old, replacement] of OLD_NAMES) {
    it(`refuses ${old}, naming ${replacement}`, () => {
      const m = message(() => loadKeyplaneConfig({ env: { [old]: "anything" } }));
      assert.ok(m.includes(`${old} is no longer read: use `), m);
      assert.ok(m.includes(replacement), m);
      assert.ok(!m.includes("anything"), "the value is not shown");
    });
  }

  it("every old name of the table is covered above", () => {
    assert.deepEqual(RENAMED_ENV.map((r) => r.old).sort(), OLD_NAMES.map(([o]) => o).sort());
  });

  it("refuses unknown KEYPLANE_<SECTION>_* variables (typos), accepts the documented and the referenced ones", () => {
    for (const typo of [
      "KEYPLANE_DELIVERY_CLOCKSKEW_SECONDS",
      "KEYPLANE_SPEKE_PUBLICBASEURL",
      "KEYPLANE_CONTENT_KEY_REGISTRY_TABLE",
      "KEYPLANE_CERTIFICATE_WATCHDOG_NAMESPACE",
      "KEYPLANE_LICENSE",
    ])
      assert.match(
        message(() => loadKeyplaneConfig({ env: { [typo]: "1" } })),
        new RegExp(`${typo} is not a configuration override`),
      );
    const c = loadKeyplaneConfig({
      env: {
        KEYPLANE_DELIVERY_POLICIES: "{}",
        KEYPLANE_DELIVERY_POLICIES_V2: "{}",
        KEYPLANE_LICENSE_AXINOM_KEY: "k",
        KEYPLANE_DATA_DIR: ".keyplane",
        KEYPLANE_SECRET_ENV_URI: "x",
      },
      document: {
        delivery: { policyEnv: "KEYPLANE_DELIVERY_POLICIES_V2" },
        license: {
          vendors: {
            axinom: {
              kind: "axinom",
              upstreamUrl: "https://drm-widevine-licensing.axprod.net/AcquireLicense",
              restriction: { type: "Open" },
              comKeyId: "00000000-0000-4000-8000-000000000000",
              comKey: { env: "KEYPLANE_LICENSE_AXINOM_KEY" },
            },
          },
        },
      },
    });
    assert.equal(c.delivery.policyEnv, "KEYPLANE_DELIVERY_POLICIES_V2");
  });

  it("a function entry parses only its own sections (another section's bad value is not its concern)", () => {
    const env = { KEYPLANE_CONFIG: JSON.stringify({ speke: {}, delivery: { clockSkewSeconds: 999 } }) };
    const { speke } = loadConfigSections({ speke: z.prefault(spekeConfigSchema, {}) }, { env });
    assert.equal(speke.maxContentKeys, 64);
    assert.match(
      message(() => loadKeyplaneConfig({ env })),
      /delivery\.clockSkewSeconds/,
    );
    // Unknown sections are still refused.
    assert.match(
      message(() =>
        loadConfigSections({ speke: z.prefault(spekeConfigSchema, {}) }, { env: { KEYPLANE_CONFIG: '{"spek":{}}' } }),
      ),
      /Unrecognized key: "spek"/,
    );
  });

  it("parseKeyplaneConfig validates a document held in memory, with no environment", () => {
    const c = parseKeyplaneConfig({
      spekeProxy: { vendorUrl: "https://vendor.example/speke", preset: "ezdrm" },
      certificateWatchdog: { certificateArns: ["arn:aws:acm:eu-west-1:123456789012:certificate/abc-1"] },
    });
    assert.equal(c.certificateWatchdog?.namespace, "Keyplane/Certificates");
    assert.equal(c.spekeProxy?.preset, "ezdrm");
    assert.equal(c.delivery.lab, false);
  });
});
