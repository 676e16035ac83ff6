/**
 * The Azure Functions adapter in process, with real `HttpRequest` objects from `@azure/functions` (what the Node.js
 * worker hands a v4 HTTP trigger): the key-delivery app the `azure-delivery` entry serves and the SPEKE app of
 * `azure-speke`, built from app settings plus a secret environment read through a Key Vault reader (a test double of
 * the Key Vault boundary; the stores are the memory ones here and Azure Table Storage in table-stores.test.ts). The
 * cases are those the lab and loopback tests run (test/functions/runtimes/lab.test.ts, test/functions/delivery/*):
 * SPEKE -> token -> ClearKey with the seed's key, HLS key bytes, license proxy routing, errors, CORS, body cap.
 * Expected keys come from `KeySeed.contentKey`, checked against Microsoft's key-seed vectors in seed.test.ts; the
 * W3C ClearKey shapes from the Encrypted Media Extensions spec (§9.1.3/9.1.4).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { DOMParser } from "@xmldom/xmldom";
import { azureFunctionsHandler, toAzureResponse } from "../../../functions/runtimes/azure-functions";
import {
  azureRegistry,
  azureUseCounter,
  buildAzureDeliveryApp,
  buildAzureSpekeApp,
} from "../../../functions/azure/apps";
import { loadConfigSections } from "../../../functions/config-source";
import { AzureTableContentKeyRegistry } from "../../../functions/registry/azure-table";
import { contentKeyRegistryConfigSchema } from "../../../functions/registry/config";
import { AzureTableUseCounter } from "../../../functions/tokens/counter-azure-table";
import { azureSeed, parseSecretUri, secretEnvironment } from "../../../functions/azure/key-vault";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { kidFromUuid, kidToBase64url } from "../../../functions/keys/kid";
import { createLogger } from "../../../functions/log";
import { MemoryContentKeyRegistry } from "../../../functions/registry/registry";
import { MemoryUseCounter } from "../../../functions/tokens/counter";
import type { SecretValueReader } from "../../../functions/aws/secrets";
import { SPEKE_REQUESTS_DIR, itShared } from "../../support/shared";

// Microsoft's published PlayReady test key seed.
const SEED_B64 = "XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I";
const SEED = KeySeed.fromBase64(SEED_B64);
const CPIX = "urn:dashif:org:cpix";
const PSKC = "urn:ietf:params:xml:ns:keyprov:pskc";
const ORIGIN = "https://player.example.com";
const CLIENT_SECRET = "client-secret-for-tests";
const SEED_URI = "https://kv-keyplane.vault.azure.net/secrets/keyplane-key-seed";
const ENV_URI = "https://kv-keyplane.vault.azure.net/secrets/keyplane-secret-env/0123456789abcdef0123456789abcdef";
const SIGNING_KEY = Buffer.alloc(32, 7).toString("base64");

/** The Key Vault boundary: secret URIs to values, as `@azure/keyvault-secrets` would answer them. */
function vault(secrets: Record<string, string>): SecretValueReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async getSecretString(uri) {
      reads.push(uri);
      return secrets[uri];
    },
  };
}

const policies = {
  policies: [
    {
      name: "token",
      options: [
        {
          name: "ck",
          configuration: { type: "ClearKey" },
          restriction: {
            type: "Token",
            tokenType: "Jwt",
            issuer: "keyplane-azure",
            audience: "players",
            primaryVerificationKey: { type: "Symmetric", keyValue: SIGNING_KEY },
            requiredClaims: [{ claimType: "urn:microsoft:azure:mediaservices:contentkeyidentifier" }],
          },
        },
      ],
    },
  ],
  defaultPolicy: "token",
};
/** The secret environment as AzureKeyDelivery writes it: the one configuration document plus the policies. */
const secretEnv = {
  KEYPLANE_DELIVERY_POLICIES: JSON.stringify(policies),
  KEYPLANE_CONFIG: JSON.stringify({
    delivery: {
      tokenIssuer: {
        issuer: "keyplane-azure",
        audience: "players",
        signingKey: { alg: "HS256", keyBase64: SIGNING_KEY },
      },
      // Inline rules: no temporary file.
      entitlements: {
        auth: { mode: "clientSecret", secretSha256: [createHash("sha256").update(CLIENT_SECRET).digest("hex")] },
        rules: [{ subjects: ["viewer-1"], kids: ["*"], maxUses: 2 }],
      },
    },
  }),
};
/** App settings: the bootstrap names, and (here) one environment override merged under the document. */
const appSettings = {
  KEYPLANE_SECRET_ENV_URI: ENV_URI,
  KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS: ORIGIN,
};

type Handler = ReturnType<typeof azureFunctionsHandler>;
async function call(
  h: Handler,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  const req = new HttpRequest({
    method,
    url: `https://keyplane-delivery.azurewebsites.net${path}`,
    headers: init.headers ?? {},
    ...(init.body !== undefined
      ? { body: typeof init.body === "string" ? { string: init.body } : { bytes: init.body } }
      : {}),
  });
  const res: HttpResponseInit = await h(req);
  const headers = new Headers(res.headers as Record<string, string>);
  const raw = res.body === undefined ? Buffer.alloc(0) : Buffer.from(res.body as string | Uint8Array);
  return {
    status: res.status ?? 200,
    headers,
    raw,
    text: raw.toString("utf8"),
    json: () => JSON.parse(raw.toString("utf8")) as any,
  };
}

describe("Azure Functions adapter (functions/runtimes/azure-functions.ts) with @azure/functions HttpRequest objects", function () {
  this.timeout(30_000);
  const logs: string[] = [];
  const ctx = staticContext(SEED, { logger: createLogger({ sink: (l) => logs.push(l) }) });
  const registry = new MemoryContentKeyRegistry();
  const useCounter = new MemoryUseCounter();
  const kv = vault({ [ENV_URI]: JSON.stringify(secretEnv) });
  let delivery: Handler;
  let speke: Handler;

  before(() => {
    delivery = azureFunctionsHandler(
      () => buildAzureDeliveryApp({ ctx, env: appSettings, reader: kv, registry, useCounter }),
      ctx.logger,
    );
    speke = azureFunctionsHandler(() => buildAzureSpekeApp({ ctx, env: {}, registry }), ctx.logger);
  });

  it("answers /healthz with the delivery and license areas only (no SPEKE in the delivery function)", async () => {
    const r = await call(delivery, "GET", "/healthz");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json().areas.sort(), ["delivery", "license"]);
    assert.match(r.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(kv.reads, [ENV_URI], "the secret environment is read from Key Vault once, at build");
  });

  itShared(
    "SPEKE (through the adapter) -> /token -> /clearkey delivers the key SPEKE handed the packager",
    async () => {
      const body = readFileSync(
        join(SPEKE_REQUESTS_DIR, "v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml"),
      );
      const s = await call(speke, "POST", "/speke", {
        body,
        headers: { "X-Speke-Version": "2.0", "Content-Type": "application/xml" },
      });
      assert.equal(s.status, 200);
      const doc = new DOMParser().parseFromString(s.text, "application/xml");
      const first = Array.from(doc.getElementsByTagNameNS(CPIX, "ContentKey"))[0]!;
      const kid = kidFromUuid(first.getAttribute("kid")!);
      const secret = first.getElementsByTagNameNS(PSKC, "PlainValue")[0]!.textContent!.trim();
      assert.equal(Buffer.from(secret, "base64").toString("hex"), SEED.contentKey(kid).toString("hex"));
      assert.ok(registry.peek(kid), "SPEKE recorded the KID in the registry delivery reads");

      const denied = await call(delivery, "POST", "/token", {
        body: JSON.stringify({ subject: "viewer-1", kids: [first.getAttribute("kid")] }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(denied.status, 401, "the token service wants the client secret");
      const tok = await call(delivery, "POST", "/token", {
        body: JSON.stringify({ subject: "viewer-1", kids: [first.getAttribute("kid")] }),
        headers: { "content-type": "application/json", "X-Keyplane-Client-Secret": CLIENT_SECRET },
      });
      assert.equal(tok.status, 200);
      const { token } = tok.json() as { token: string };

      const noToken = await call(delivery, "POST", "/clearkey", {
        body: JSON.stringify({ kids: [kidToBase64url(kid)], type: "temporary" }),
      });
      assert.equal(noToken.status, 401, noToken.text);
      assert.match(noToken.headers.get("www-authenticate") ?? "", /^Bearer/);
      const lic = await call(delivery, "POST", "/clearkey", {
        body: JSON.stringify({ kids: [kidToBase64url(kid)], type: "temporary" }),
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(lic.status, 200);
      const jwks = lic.json() as { keys: { kty: string; kid: string; k: string }[] };
      assert.deepEqual(
        jwks.keys.map((k) => [k.kty, k.kid]),
        [["oct", kidToBase64url(kid)]],
      );
      assert.equal(Buffer.from(jwks.keys[0]!.k, "base64url").toString("base64"), secret);

      // HLS AES-128: the raw 16 bytes, as bytes; the token's maxuses (2, from the entitlement rule) is counted across routes.
      const hls = await call(
        delivery,
        "GET",
        `/hls/key/${first.getAttribute("kid")}?token=${encodeURIComponent(token)}`,
      );
      assert.equal(hls.status, 200);
      assert.equal(hls.headers.get("content-type"), "application/octet-stream");
      assert.deepEqual(hls.raw, SEED.contentKey(kid));
      const third = await call(delivery, "GET", `/hls/key/${first.getAttribute("kid")}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(third.status, 403, "a third use of a maxuses=2 token is refused");
      assert.equal(third.json().error.code, "TOKEN_USES_EXHAUSTED");
    },
  );

  it("answers HEAD without a body, 404 as JSON with a stable code, and 413 above 1 MiB (declared or streamed)", async () => {
    const head = await call(delivery, "HEAD", "/healthz");
    assert.equal(head.status, 200);
    assert.equal(head.raw.length, 0);
    const nf = await call(delivery, "GET", "/nope");
    assert.equal(nf.status, 404);
    assert.equal(nf.json().error.code, "NOT_FOUND");
    const big = await call(delivery, "POST", "/token", { body: "x".repeat(1024 * 1024 + 1) });
    assert.equal(big.status, 413);
    assert.equal(big.json().error.code, "BODY_TOO_LARGE");
    const lying = await call(delivery, "POST", "/clearkey", {
      body: "x".repeat(1024 * 1024 + 1),
      headers: { "content-length": "10" },
    });
    assert.equal(lying.status, 413, "counted off the stream, whatever Content-Length says");
  });

  it("routes the license proxy: an unknown vendor is refused, never a 500", async () => {
    const r = await call(delivery, "POST", "/license/nobody", { body: "x" });
    assert.ok(r.status === 404 || r.status === 401, `got ${r.status}`);
    assert.ok(r.json().error.code);
  });

  it("applies the CORS allow-list: preflight 204 for the player origin, 403 and no CORS headers for another", async () => {
    const ok = await call(delivery, "OPTIONS", "/clearkey", {
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
    assert.equal(ok.headers.get("access-control-allow-credentials"), null);
    const bad = await call(delivery, "OPTIONS", "/clearkey", {
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get("access-control-allow-origin"), null);
    const actual = await call(delivery, "GET", "/healthz", { headers: { Origin: ORIGIN } });
    assert.equal(actual.headers.get("access-control-allow-origin"), null, "/healthz is not a browser route");
    const key = await call(delivery, "GET", "/hls/key/00000000-0000-4000-8000-000000000000", {
      headers: { Origin: ORIGIN },
    });
    assert.equal(key.headers.get("access-control-allow-origin"), ORIGIN);
    assert.equal(key.headers.get("access-control-expose-headers")?.toLowerCase(), "x-request-id");
  });

  it("never writes the seed, keys, tokens or the secret environment to logs", () => {
    const all = logs.join("\n");
    assert.ok(!all.includes(SEED_B64.slice(0, 12)));
    assert.ok(!all.includes(SIGNING_KEY));
    assert.ok(!all.includes(CLIENT_SECRET));
  });

  it("answers 500 without detail while the app cannot be built, and builds it on a later request", async () => {
    let fail = true;
    const local: string[] = [];
    const h = azureFunctionsHandler(
      async () => {
        if (fail) return buildAzureDeliveryApp({ ctx, env: {}, registry, useCounter });
        return buildAzureDeliveryApp({ ctx, env: appSettings, reader: kv, registry, useCounter });
      },
      createLogger({ sink: (l) => local.push(l) }),
    );
    const r1 = await call(h, "GET", "/healthz");
    assert.equal(r1.status, 500);
    assert.deepEqual(r1.json(), { error: { code: "INTERNAL", message: "Internal error" } });
    assert.match(local.join("\n"), /app_build_failed.*CONFIG_INVALID/);
    fail = false;
    assert.equal((await call(h, "GET", "/healthz")).status, 200);
  });

  it("refuses the old settings at start-up, naming the replacement", async () => {
    for (const [old, replacement] of [
      ["KEYPLANE_ENTITLEMENTS_JSON", "delivery.entitlements"],
      ["KEYPLANE_TABLE_ENDPOINT", "endpoint"],
      ["KEYPLANE_REGISTRY_TABLE", "contentKeyRegistry"],
      ["KEYPLANE_USE_COUNTER_TABLE_AZURE", "delivery.useCounter"],
      ["KEYPLANE_CORS_ORIGINS", "KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS"],
    ] as const) {
      await assert.rejects(
        buildAzureDeliveryApp({ ctx, env: { ...appSettings, [old]: "x" }, reader: kv, registry, useCounter }),
        (e: Error) => e.message.includes(`${old} is no longer read`) && e.message.includes(replacement),
      );
    }
  });

  it("builds the Azure Table stores from the configuration, and refuses store kinds Azure does not serve", () => {
    const endpoint = "https://stkp.table.core.windows.net/";
    const reg = azureRegistry({ type: "azureTable", endpoint, tableName: "keyplaneregistry" });
    assert.ok(reg instanceof AzureTableContentKeyRegistry);
    assert.equal(reg.description, "azure-table keyplaneregistry");
    const uses = azureUseCounter(ctx, { type: "azureTable", endpoint, tableName: "keyplaneuses" });
    assert.ok(uses instanceof AzureTableUseCounter);
    assert.ok(azureRegistry({ type: "memory" }) instanceof MemoryContentKeyRegistry);
    assert.throws(() => azureRegistry({ type: "dynamodb", tableName: "t" }), /not available on Azure Functions/);
    // The endpoint is checked as the table endpoint of a storage account, in the document and in the overrides.
    assert.throws(
      () =>
        loadConfigSections(
          { contentKeyRegistry: contentKeyRegistryConfigSchema },
          {
            env: {
              KEYPLANE_CONTENT_KEY_REGISTRY: JSON.stringify({
                type: "azureTable",
                endpoint: "https://evil.example/",
                tableName: "keyplaneregistry",
              }),
            },
          },
        ),
      /contentKeyRegistry\.endpoint: must be the storage account's table endpoint .*\(from KEYPLANE_CONTENT_KEY_REGISTRY\)/,
    );
  });

  it("plain responses map to HttpResponseInit: bytes stay bytes, HEAD has no body", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    assert.deepEqual(toAzureResponse({ status: 200, headers: { a: "b" }, body: bytes }, "GET"), {
      status: 200,
      headers: { a: "b" },
      body: bytes,
    });
    assert.deepEqual(toAzureResponse({ status: 200, headers: {}, body: "x" }, "HEAD"), { status: 200, headers: {} });
  });
});

describe("Key Vault seed and secret environment (functions/azure/key-vault.ts)", () => {
  it("reads the seed from the secret named by KEYPLANE_KEY_SEED_SECRET_URI (plain base64 or {keySeed}); KEY_SEED wins", async () => {
    const a = await azureSeed({ KEYPLANE_KEY_SEED_SECRET_URI: SEED_URI }, vault({ [SEED_URI]: SEED_B64 }));
    assert.equal(a.seed.fingerprint(), SEED.fingerprint());
    assert.equal(a.source, "keyvault https://kv-keyplane.vault.azure.net/secrets/keyplane-key-seed");
    const b = await azureSeed(
      { KEYPLANE_KEY_SEED_SECRET_URI: SEED_URI },
      vault({ [SEED_URI]: JSON.stringify({ keySeed: SEED_B64 }) }),
    );
    assert.equal(b.seed.fingerprint(), SEED.fingerprint());
    const c = await azureSeed({ KEY_SEED: SEED_B64, KEYPLANE_KEY_SEED_SECRET_URI: "not used" }, vault({}));
    assert.equal(c.source, "env KEY_SEED");
    await assert.rejects(azureSeed({}, vault({})), /KEYPLANE_KEY_SEED_SECRET_URI/);
  });

  it("parses Key Vault secret identifiers and refuses anything else without echoing it", () => {
    assert.deepEqual(parseSecretUri(ENV_URI), {
      vaultUrl: "https://kv-keyplane.vault.azure.net",
      name: "keyplane-secret-env",
      version: "0123456789abcdef0123456789abcdef",
    });
    assert.throws(
      () => parseSecretUri("https://evil.example/secrets/x?sig=abc", "KEYPLANE_SECRET_ENV_URI"),
      (e: Error) =>
        /KEYPLANE_SECRET_ENV_URI is not a Key Vault secret URI/.test(e.message) && !e.message.includes("sig=abc"),
    );
  });

  it("takes only KEYPLANE_* strings from the secret environment, never the store or identity settings", async () => {
    const env = { KEYPLANE_SECRET_ENV_URI: ENV_URI };
    assert.deepEqual(await secretEnvironment(env, vault({ [ENV_URI]: JSON.stringify({ KEYPLANE_X: "1" }) })), {
      KEYPLANE_X: "1",
    });
    for (const bad of [
      { AZURE_CLIENT_ID: "x" },
      { KEYPLANE_TABLE_ENDPOINT: "https://evil.table.core.windows.net" },
      { KEYPLANE_KEY_SEED_SECRET_URI: SEED_URI },
      { KEYPLANE_X: 1 },
    ]) {
      await assert.rejects(secretEnvironment(env, vault({ [ENV_URI]: JSON.stringify(bad) })), (e: Error) =>
        /secret environment/.test(e.message),
      );
    }
    await assert.rejects(secretEnvironment(env, vault({ [ENV_URI]: "[1]" })), /not a JSON object/);
    assert.deepEqual(await secretEnvironment({}, vault({})), {});
  });
});
