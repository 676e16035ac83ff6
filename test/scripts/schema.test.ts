/**
 * What `npm run schema` generates (scripts/schema.ts) cannot go stale: the committed JSON Schema equals a fresh
 * generation, and the environment tables of docs/configuration.md equal the data they come from. Every property of the
 * JSON Schema has hover text (a zod doc comment, scripts/schema-descriptions.ts). Then a second
 * implementation, Ajv (JSON Schema 2020-12), must agree with our zod parser: it accepts the documented example and the
 * documents the components emit (recorded under Pulumi mocks), and rejects what our parser rejects.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { CONFIG_DOC, REPO_ROOT, SCHEMA_FILE, configJsonSchema, withGeneratedTables } from "../../scripts/schema";
import { addDescriptions } from "../../scripts/schema-descriptions";
import { parseKeyplaneConfig } from "../../functions/config";
import { KeyDeliveryApi } from "../../components/aws/key-delivery-api";
import { SpekeKeyServer } from "../../components/aws/speke-key-server";
import { SpekeVendorProxy } from "../../components/aws/speke-vendor-proxy";
import { deliveryDocument } from "../../components/shared/keyplane-config";
import { installMocks, ofType, reveal, settle } from "../support/pulumi-mocks";

const read = (f: string) => readFileSync(join(REPO_ROOT, f), "utf8");

function ajvValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  // zod writes `includes` checks as a format next to a pattern; Ajv does not know the name, the pattern carries it.
  ajv.addFormat("includes", true);
  return ajv.compile(JSON.parse(read(SCHEMA_FILE)) as object);
}

function zodAccepts(doc: unknown): boolean {
  try {
    parseKeyplaneConfig(doc);
    return true;
  } catch {
    return false;
  }
}

describe("scripts/schema.ts (npm run schema)", function () {
  this.timeout(60_000);

  it("the committed JSON Schema is a fresh generation", () => {
    assert.equal(read(SCHEMA_FILE), configJsonSchema(), "run npm run schema");
  });

  it("the environment tables of docs/configuration.md are generated from the override data", () => {
    const doc = read(CONFIG_DOC);
    assert.equal(doc, withGeneratedTables(doc), "run npm run schema");
  });

  it("every property of the JSON Schema has a description (editor hover text)", () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== "object") return;
      for (const [k, v] of Object.entries(node)) {
        if (k !== "properties" || !v || typeof v !== "object") {
          walk(v, path);
          continue;
        }
        for (const [name, prop] of Object.entries(v as Record<string, { description?: unknown }>)) {
          const d = prop.description;
          if (typeof d !== "string" || !d.trim()) missing.push(`${path}${name}`);
          walk(prop, `${path}${name}.`);
        }
      }
    };
    walk(JSON.parse(read(SCHEMA_FILE)), "");
    assert.deepEqual(
      [...new Set(missing)],
      [],
      "give these properties a /** doc comment */ in their zod object literal (functions/), then npm run schema",
    );
  });

  it("zod objects with the same property names are told apart by their z.literal values and nesting, else refused", () => {
    const schema = JSON.parse(read(SCHEMA_FILE));
    const variants = (s: { oneOf: { properties: Record<string, { const?: string; description?: string }> }[] }) =>
      Object.fromEntries(s.oneOf.map((v) => [v.properties.type?.const, v.properties.tableName?.description]));
    // `{ type: "dynamodb", tableName }` is both the registry's and the replay counter's setting.
    const registry = variants(schema.properties.contentKeyRegistry);
    const counter = variants(schema.properties.delivery.properties.useCounter);
    assert.match(registry.dynamodb, /registry/);
    assert.match(counter.dynamodb, /replay counter/);

    const same = { keys: "a,type", docs: new Map([["a", "one"]]), literals: new Map([["type", "t"]]), nesting: [] };
    const json = () => ({ properties: { x: { properties: { type: { const: "t" }, a: {} } } } });
    assert.throws(
      () => addDescriptions(json(), [same, { ...same, docs: new Map([["a", "two"]]) }]),
      /x: 2 zod object literals have the properties a,type/,
    );
    const byNesting = addDescriptions(json(), [same, { ...same, docs: new Map([["a", "two"]]), nesting: ["x"] }]) as {
      properties: { x: { properties: { a: { description?: string } } } };
    };
    assert.equal(byNesting.properties.x.properties.a.description, "two");
  });

  it("Ajv and our parser agree: the documented example and the documents the components emit are accepted", async () => {
    const validate = ajvValidator();
    const docs: [string, unknown][] = [
      ["keyplane.config.example.json", JSON.parse(read("keyplane.config.example.json"))],
    ];

    const rec = await installMocks();
    const components = [
      new SpekeKeyServer("ks", { speke: { publicBaseUrl: "https://keys.example.com", kidOverride: true } }),
      new KeyDeliveryApi("kd", {
        keySeedSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ks-AbCdEf",
        policies: [
          {
            name: "open",
            options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
          },
        ],
        defaultPolicy: "open",
        corsAllowOrigins: ["https://player.example.com"],
        delivery: {
          tokenIssuer: { issuer: "https://sts.example", signingKey: { alg: "HS256", keyBase64: "A".repeat(44) } },
          clockSkewSeconds: 30,
        },
        license: { vendors: {} },
      }),
      new SpekeVendorProxy("vp", {
        vendor: { preset: "axinom", url: "https://key-server-management.axprod.net/api/SpekeV2" },
        credential: pulumi.secret({ tenantId: "t-1", managementKey: "mk-1" }),
      }),
    ];
    for (const c of components) await settle(c);
    for (const fn of ofType(rec, "aws:lambda/function:Function")) {
      const env = (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
      if (env.KEYPLANE_CONFIG) docs.push([fn.name, JSON.parse(env.KEYPLANE_CONFIG)]);
    }
    assert.equal(docs.length, 4, "the example and three function documents");
    // AzureKeyDelivery's delivery document, built by the same helper it calls.
    docs.push([
      "AzureKeyDelivery",
      JSON.parse(
        deliveryDocument("AzureKeyDelivery", {
          corsAllowOrigins: ["https://player.example.com"],
          useCounter: {
            type: "azureTable",
            endpoint: "https://stkp.table.core.windows.net",
            tableName: "keyplaneuses",
          },
          contentKeyRegistry: {
            type: "azureTable",
            endpoint: "https://stkp.table.core.windows.net",
            tableName: "keyplaneregistry",
          },
          entitlements: { auth: { mode: "open" }, rules: [{ subjects: ["*"], kids: ["*"] }] },
        }),
      ),
    ]);
    for (const [name, doc] of docs) {
      assert.ok(validate(doc), `${name}: Ajv ${JSON.stringify(validate.errors)}`);
      assert.ok(zodAccepts(doc), `${name}: our parser`);
    }
  });

  it("Ajv and our parser agree on refusals: unknown sections and fields, wrong types, unknown variants", () => {
    const validate = ajvValidator();
    const bad: [string, unknown][] = [
      ["unknown section", { spek: {} }],
      ["unknown speke field", { speke: { maxKeys: 1 } }],
      ["unknown delivery field", { delivery: { clockSkew: 1 } }],
      ["wrong type", { speke: { maxContentKeys: "64" } }],
      ["out of range", { delivery: { clockSkewSeconds: 500 } }],
      ["unknown registry type", { contentKeyRegistry: { type: "redis" } }],
      ["registry field of another type", { contentKeyRegistry: { type: "memory", tableName: "t" } }],
      ["proxy without its URL", { spekeProxy: { preset: "ezdrm" } }],
      ["$schema not a string", { $schema: 1 }],
    ];
    for (const [name, doc] of bad) {
      assert.equal(validate(doc), false, `${name}: Ajv refuses`);
      assert.equal(zodAccepts(doc), false, `${name}: our parser refuses`);
    }
  });
});
