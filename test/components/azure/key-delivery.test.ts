/**
 * AzureKeyDelivery under Pulumi mocks: resource types and API versions (Flex Consumption needs `functionAppConfig`,
 * present from Microsoft.Web 2023-12-01: web/v20240401), Key Vault hardening, RBAC scoped to each secret (not the
 * vault), no secret value or connection string with a key in any app setting or other child state, identity wiring,
 * the deployment package and outputs. Role ids are Azure's built-in role definition ids (Azure built-in roles
 * reference: Key Vault Secrets User 4633458b-17de-408a-b874-0445c86b69e6, Storage Table Data Contributor
 * 0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3).
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AzureKeyDelivery, type AzureKeyDeliveryArgs } from "../../../components/azure";
import { isSecretValue, promiseOf, reveal } from "../../support/azure-mocks";
import { loadKeyplaneConfig } from "../../../functions/config";
import { loadConfigSections } from "../../../functions/config-source";
import { contentKeyRegistryConfigSchema } from "../../../functions/registry/config";
import { spekeConfigSchema } from "../../../functions/speke/config";
import * as z from "../../../functions/zod";

interface Rec {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const rec: Rec[] = [];
const SEED = Buffer.alloc(32, 0x5a).toString("base64");
const SYM_KEY = Buffer.alloc(32, 0x11).toString("base64");
const SIGNING = Buffer.alloc(32, 0x22).toString("base64");
const SUB = "00000000-1111-2222-3333-444444444444";
const TENANT = "99999999-8888-7777-6666-555555555555";
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const TABLE_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

async function mocks(): Promise<void> {
  rec.length = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(a) {
        rec.push({ type: a.type, name: a.name, inputs: a.inputs });
        const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/${a.type}/${a.name}`;
        const i = reveal(a.inputs) as Record<string, any>;
        const extra: Record<string, unknown> = {};
        switch (a.type) {
          case "azure-native:storage:StorageAccount":
            extra.primaryEndpoints = {
              blob: "https://stkp.blob.core.windows.net/",
              table: "https://stkp.table.core.windows.net/",
            };
            extra.name = "stkp";
            break;
          case "azure-native:storage:Table":
            extra.name = i.tableName;
            break;
          case "azure-native:storage:BlobContainer":
            extra.name = `${a.name}-c`;
            break;
          case "azure-native:insights:Component":
            extra.connectionString =
              "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x.in.applicationinsights.azure.com/";
            break;
          case "azure-native:managedidentity:UserAssignedIdentity":
            extra.principalId = `${a.name}-principal`;
            extra.clientId = `${a.name}-client`;
            break;
          case "azure-native:web/v20240401:WebApp":
            extra.defaultHostName = `${a.name}.azurewebsites.net`;
            extra.name = a.name;
            break;
          case "azure-native:keyvault:Vault":
            extra.properties = { ...i.properties, vaultUri: "https://kv-kp.vault.azure.net/" };
            extra.name = "kv-kp";
            break;
          case "azure-native:keyvault:Secret":
            extra.name = i.secretName;
            extra.properties = { secretUri: "unused" };
            break;
          case "random:index/randomBytes:RandomBytes":
            extra.base64 = SEED;
            extra.hex = Buffer.from(SEED, "base64").toString("hex");
            break;
        }
        return { id, state: { ...a.inputs, ...extra } };
      },
      call(a) {
        if (a.token === "azure-native:authorization:getClientConfig")
          return { subscriptionId: SUB, tenantId: TENANT, clientId: "c", objectId: "o" };
        if (a.token === "azure-native:keyvault:getVault")
          return {
            id: `/subscriptions/${SUB}/resourceGroups/sec/providers/Microsoft.KeyVault/vaults/${a.inputs.vaultName}`,
            properties: { vaultUri: `https://${a.inputs.vaultName}.vault.azure.net/` },
          };
        throw new Error(`unexpected invoke ${a.token}`);
      },
    },
    "keyplane",
    "test",
    false,
  );
}

const of = (type: string) => rec.filter((r) => r.type === type);
const settle = async (c: AzureKeyDelivery) => {
  await promiseOf(c.url);
  await new Promise((r) => setTimeout(r, 50));
};

function args(extra: Partial<AzureKeyDeliveryArgs> = {}): AzureKeyDeliveryArgs {
  return {
    resourceGroupName: "rg",
    location: "westeurope",
    policies: [
      {
        name: "p",
        options: [
          {
            name: "ck",
            configuration: { type: "ClearKey" },
            restriction: {
              type: "Token",
              tokenType: "Jwt",
              issuer: "iss",
              audience: "aud",
              primaryVerificationKey: { type: "Symmetric", keyValue: SYM_KEY },
            },
          },
        ],
      },
    ] as never,
    defaultPolicy: "p",
    corsAllowOrigins: ["https://player.example.com"],
    delivery: { tokenIssuer: { issuer: "iss", audience: "aud", signingKey: { alg: "HS256", keyBase64: SIGNING } } },
    ...extra,
  };
}

function appSettings(r: Rec): Record<string, string> {
  const site = reveal(r.inputs.siteConfig) as { appSettings: { name: string; value: string }[] };
  return Object.fromEntries(site.appSettings.map((s) => [s.name, s.value]));
}

describe("components/azure AzureKeyDelivery (mocks)", function () {
  this.timeout(60_000);
  beforeEach(mocks);

  it("declares Flex Consumption on web/v20240401 (functionAppConfig), Linux Node.js 20, HTTPS only, TLS 1.2, FTP and basic publishing off", async () => {
    const c = new AzureKeyDelivery("kd", args());
    await settle(c);
    const plan = of("azure-native:web/v20240401:AppServicePlan");
    assert.equal(plan.length, 1);
    assert.deepEqual(reveal(plan[0]!.inputs.sku), { tier: "FlexConsumption", name: "FC1" });
    assert.equal(plan[0]!.inputs.reserved, true);
    const [app] = of("azure-native:web/v20240401:WebApp");
    assert.ok(app);
    assert.equal(app.inputs.kind, "functionapp,linux");
    assert.equal(app.inputs.httpsOnly, true);
    assert.equal(app.inputs.publicNetworkAccess, "Enabled");
    const cfg = reveal(app.inputs.functionAppConfig) as any;
    assert.deepEqual(cfg.runtime, { name: "node", version: "20" });
    const site = reveal(app.inputs.siteConfig) as any;
    assert.equal(site.minTlsVersion, "1.2");
    assert.equal(site.ftpsState, "Disabled");
    assert.deepEqual(
      of("azure-native:web/v20240401:WebAppFtpAllowed").map((r) => r.inputs.allow),
      [false],
    );
    assert.deepEqual(
      of("azure-native:web/v20240401:WebAppScmAllowed").map((r) => r.inputs.allow),
      [false],
    );
    // Default modules elsewhere (their API versions are pinned by @pulumi/azure-native 2.92.x).
    for (const t of [
      "azure-native:keyvault:Vault",
      "azure-native:keyvault:Secret",
      "azure-native:storage:StorageAccount",
      "azure-native:storage:Table",
      "azure-native:operationalinsights:Workspace",
      "azure-native:insights:Component",
      "azure-native:authorization:RoleAssignment",
      "azure-native:managedidentity:UserAssignedIdentity",
    ]) {
      assert.ok(of(t).length >= 1, t);
    }
    assert.equal(of("azure-native:web/v20240401:WebAppAuthSettingsV2WithoutSecrets").length, 0, "no SPEKE by default");
  });

  it("creates the vault with RBAC authorization, soft delete and purge protection, and the seed from @pulumi/random as a secret", async () => {
    await settle(new AzureKeyDelivery("kd", args()));
    const [v] = of("azure-native:keyvault:Vault");
    const p = reveal(v!.inputs.properties) as any;
    assert.equal(p.enableRbacAuthorization, true);
    assert.equal(p.enableSoftDelete, true);
    assert.equal(p.enablePurgeProtection, true);
    assert.equal(p.publicNetworkAccess, "Enabled");
    assert.equal(p.tenantId, TENANT);
    assert.equal((reveal(of("random:index/randomBytes:RandomBytes")[0]!.inputs) as any).length, 32);
    const seed = of("azure-native:keyvault:Secret").find((s) => s.inputs.secretName === "keyplane-key-seed")!;
    assert.ok(
      isSecretValue(seed.inputs.properties) || isSecretValue((seed.inputs.properties as any).value),
      "the seed is a secret in state",
    );
    assert.equal((reveal(seed.inputs.properties) as any).value, SEED);
  });

  it("grants Key Vault Secrets User on each secret only (never the vault) and Table Data Contributor on each table", async () => {
    await settle(new AzureKeyDelivery("kd", args()));
    const ras = of("azure-native:authorization:RoleAssignment").map(
      (r) =>
        reveal(r.inputs) as { scope: string; roleDefinitionId: string; principalId: string; principalType: string },
    );
    const kv = ras.filter(
      (r) =>
        r.roleDefinitionId ===
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
    );
    assert.equal(kv.length, 2);
    const vaultId = `/subscriptions/${SUB}/resourceGroups/rg/providers/azure-native:keyvault:Vault/kd-kv`;
    assert.deepEqual(kv.map((r) => r.scope).sort(), [
      `${vaultId}/secrets/keyplane-delivery-env`,
      `${vaultId}/secrets/keyplane-key-seed`,
    ]);
    assert.ok(!ras.some((r) => r.scope === vaultId), "no role on the vault itself");
    const tables = ras
      .filter((r) => r.roleDefinitionId.endsWith(TABLE_CONTRIBUTOR))
      .map((r) => r.scope.replace(/^.*\/tableServices\/default\/tables\//, ""));
    assert.deepEqual(tables.sort(), ["keyplaneregistry", "keyplaneuses"]);
    for (const r of ras) {
      assert.equal(r.principalId, "kd-id-principal");
      assert.equal(r.principalType, "ServicePrincipal");
    }
  });

  it("keeps every secret out of app settings and out of every other child's state; app settings hold URIs and names only", async () => {
    await settle(
      new AzureKeyDelivery(
        "kd",
        args({
          entitlements: { auth: { mode: "clientSecret", secretSha256: ["ab".repeat(32)] }, rules: [] },
          license: { vendors: {} },
        }),
      ),
    );
    const secrets = [SEED, SYM_KEY, SIGNING];
    for (const r of rec) {
      const isVaultSecret = r.type === "azure-native:keyvault:Secret";
      const text = JSON.stringify(reveal(r.inputs));
      for (const s of secrets) {
        if (isVaultSecret) continue;
        if (r.type === "random:index/randomBytes:RandomBytes") continue;
        assert.ok(!text.includes(s), `${r.type} ${r.name} holds a secret value`);
      }
      if (isVaultSecret)
        assert.ok(
          isSecretValue(r.inputs.properties) || isSecretValue((r.inputs.properties as any)?.value),
          `${r.name} value is a Pulumi secret`,
        );
    }
    const env = of("azure-native:keyvault:Secret").find((s) => s.inputs.secretName === "keyplane-delivery-env")!;
    const envJson = JSON.parse((reveal(env.inputs.properties) as any).value);
    assert.deepEqual(Object.keys(envJson).sort(), ["KEYPLANE_CONFIG", "KEYPLANE_DELIVERY_POLICIES"]);
    const s = appSettings(of("azure-native:web/v20240401:WebApp")[0]!);
    // What the app sees (app settings, the secret environment over them), read back by the core's one loader.
    const { delivery, contentKeyRegistry, license } = loadKeyplaneConfig({ env: { ...s, ...envJson } });
    assert.deepEqual(delivery.tokenIssuer, {
      issuer: "iss",
      audience: "aud",
      signingKey: { alg: "HS256", keyBase64: SIGNING },
    });
    assert.deepEqual(delivery.cors.allowOrigins, ["https://player.example.com"]);
    assert.deepEqual(delivery.useCounter, {
      type: "azureTable",
      endpoint: "https://stkp.table.core.windows.net",
      tableName: "keyplaneuses",
    });
    assert.deepEqual(contentKeyRegistry, {
      type: "azureTable",
      endpoint: "https://stkp.table.core.windows.net",
      tableName: "keyplaneregistry",
    });
    assert.equal(delivery.entitlements?.auth.mode, "clientSecret");
    assert.deepEqual(license.vendors, {});
    for (const [k, v] of Object.entries(s)) {
      assert.doesNotMatch(v, /AccountKey=|SharedAccessSignature=|sig=|Password=|ClientSecret/i, k);
      assert.ok(
        !/CONNECTION_STRING$/.test(k) || k === "APPLICATIONINSIGHTS_CONNECTION_STRING",
        `${k}: no connection strings but Application Insights' (no key; local auth off)`,
      );
    }
    assert.equal(s.AzureWebJobsStorage, undefined, "no storage connection string");
    assert.equal(s.AzureWebJobsStorage__accountName, "stkp");
    assert.equal(s.AzureWebJobsStorage__credential, "managedidentity");
    assert.equal(s.KEYPLANE_KEY_SEED_SECRET_URI, "https://kv-kp.vault.azure.net/secrets/keyplane-key-seed");
    assert.equal(s.KEYPLANE_SECRET_ENV_URI, "https://kv-kp.vault.azure.net/secrets/keyplane-delivery-env");
    // App settings keep only bootstrap names: no configuration, none of the 0.1.0 variables.
    assert.deepEqual(
      Object.keys(s)
        .filter((k) => k.startsWith("KEYPLANE_"))
        .sort(),
      ["KEYPLANE_KEY_SEED_SECRET_URI", "KEYPLANE_PACKAGE_SHA256", "KEYPLANE_SECRET_ENV_URI"],
    );
    assert.equal((reveal(of("azure-native:insights:Component")[0]!.inputs) as any).disableLocalAuth, true);
    const sa = reveal(of("azure-native:storage:StorageAccount")[0]!.inputs) as any;
    assert.equal(sa.allowBlobPublicAccess, false);
    assert.equal(sa.minimumTlsVersion, "TLS1_2");
  });

  it("wires one user-assigned identity through the app, its deployment storage, the SDK settings and the roles", async () => {
    const c = new AzureKeyDelivery("kd", args());
    await settle(c);
    const [app] = of("azure-native:web/v20240401:WebApp");
    const idRes = `/subscriptions/${SUB}/resourceGroups/rg/providers/azure-native:managedidentity:UserAssignedIdentity/kd-id`;
    assert.deepEqual(reveal(app!.inputs.identity), { type: "UserAssigned", userAssignedIdentities: [idRes] });
    const dep = (reveal(app!.inputs.functionAppConfig) as any).deployment.storage;
    assert.deepEqual(dep.authentication, { type: "UserAssignedIdentity", userAssignedIdentityResourceId: idRes });
    const [container] = of("azure-native:storage:BlobContainer");
    assert.equal(dep.type, "blobContainer");
    assert.equal(dep.value, `https://stkp.blob.core.windows.net/${container!.name}-c`);
    assert.equal((reveal(container!.inputs) as any).publicAccess, "None");
    const [blob] = of("azure-native:storage:Blob");
    assert.equal(blob!.inputs.blobName, "released-package.zip");
    assert.equal(blob!.inputs.containerName, `${container!.name}-c`);
    const s = appSettings(app!);
    assert.equal(s.AZURE_CLIENT_ID, "kd-id-client");
    assert.equal(s.AzureWebJobsStorage__clientId, "kd-id-client");
    assert.match(s.KEYPLANE_PACKAGE_SHA256 ?? "", /^[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(await promiseOf(c.identity), {
      id: idRes,
      principalId: "kd-id-principal",
      clientId: "kd-id-client",
    });
    assert.ok(c.bundleSizeBytes > 100_000);
  });

  it("outputs the token URL, ClearKey license URL, HLS key URL template and the Function App name (custom domain when set)", async () => {
    const c = new AzureKeyDelivery("kd", args());
    assert.equal(await promiseOf(c.tokenUrl), "https://kd-fn.azurewebsites.net/token");
    assert.equal(await promiseOf(c.clearKeyLicenseUrl), "https://kd-fn.azurewebsites.net/clearkey");
    assert.equal(await promiseOf(c.hlsKeyUrlTemplate), "https://kd-fn.azurewebsites.net/hls/key/{kid}");
    assert.equal(await promiseOf(c.functionAppName), "kd-fn");
    await mocks();
    const d = new AzureKeyDelivery(
      "kd",
      args({ customDomain: { hostName: "keys.example.com", certificateThumbprint: "AB12" } }),
    );
    assert.equal(await promiseOf(d.clearKeyLicenseUrl), "https://keys.example.com/clearkey");
    await settle(d);
    const [b] = of("azure-native:web/v20240401:WebAppHostNameBinding");
    assert.deepEqual([b!.inputs.hostName, b!.inputs.sslState], ["keys.example.com", "SniEnabled"]);
  });

  it("adopts an existing vault and seed secret: no vault or seed created, roles on that secret", async () => {
    await settle(
      new AzureKeyDelivery(
        "kd",
        args({
          keyVault: { existing: { name: "kv-corp", resourceGroupName: "sec" } },
          keySeed: { existingSecretName: "media-seed" },
        }),
      ),
    );
    assert.equal(of("azure-native:keyvault:Vault").length, 0);
    assert.equal(of("random:index/randomBytes:RandomBytes").length, 0);
    assert.deepEqual(
      of("azure-native:keyvault:Secret").map((s) => s.inputs.secretName),
      ["keyplane-delivery-env"],
    );
    const scopes = of("azure-native:authorization:RoleAssignment").map((r) => String((reveal(r.inputs) as any).scope));
    assert.ok(
      scopes.includes(
        `/subscriptions/${SUB}/resourceGroups/sec/providers/Microsoft.KeyVault/vaults/kv-corp/secrets/media-seed`,
      ),
    );
    const s = appSettings(of("azure-native:web/v20240401:WebApp")[0]!);
    assert.equal(s.KEYPLANE_KEY_SEED_SECRET_URI, "https://kv-corp.vault.azure.net/secrets/media-seed");
  });

  it("serves optional SPEKE behind App Service Authentication (Entra ID, authentication required, 401), writing the registry", async () => {
    const c = new AzureKeyDelivery(
      "kd",
      args({
        speke: {
          enabled: true,
          entraClientId: "11111111-2222-3333-4444-555555555555",
          allowedApplications: ["aaaaaaaa-0000-0000-0000-000000000000"],
        },
      }),
    );
    await settle(c);
    const [auth] = of("azure-native:web/v20240401:WebAppAuthSettingsV2WithoutSecrets");
    const a = reveal(auth!.inputs) as any;
    assert.equal(a.name, "kd-speke");
    assert.deepEqual(a.globalValidation, { requireAuthentication: true, unauthenticatedClientAction: "Return401" });
    assert.equal(a.platform.enabled, true);
    assert.equal(a.identityProviders.azureActiveDirectory.enabled, true);
    assert.equal(
      a.identityProviders.azureActiveDirectory.registration.openIdIssuer,
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
    );
    assert.deepEqual(
      a.identityProviders.azureActiveDirectory.validation.defaultAuthorizationPolicy.allowedApplications,
      ["aaaaaaaa-0000-0000-0000-000000000000"],
    );
    const apps = of("azure-native:web/v20240401:WebApp");
    assert.equal(apps.length, 2);
    const ras = of("azure-native:authorization:RoleAssignment")
      .map((r) => reveal(r.inputs) as any)
      .filter((r) => r.principalId === "kd-speke-id-principal");
    assert.ok(
      ras.some((r) => r.roleDefinitionId.endsWith(TABLE_CONTRIBUTOR) && r.scope.endsWith("/tables/keyplaneregistry")),
    );
    assert.ok(!ras.some((r) => r.scope.endsWith("/tables/keyplaneuses")), "SPEKE never touches the counters");
    assert.ok(
      !ras.some((r) => r.scope.endsWith("/secrets/keyplane-delivery-env")),
      "SPEKE never reads delivery's secrets",
    );
    // SPEKE's document (nothing secret: templates and the registry table) in its app settings, read back by the core.
    const sp = appSettings(apps.find((x) => x.name === "kd-speke")!);
    const cfg = loadConfigSections(
      { speke: z.prefault(spekeConfigSchema, {}), contentKeyRegistry: contentKeyRegistryConfigSchema },
      { env: sp },
    );
    assert.deepEqual(cfg.contentKeyRegistry, {
      type: "azureTable",
      endpoint: "https://stkp.table.core.windows.net",
      tableName: "keyplaneregistry",
    });
    assert.equal(await promiseOf(c.spekeUrl), "https://kd-speke.azurewebsites.net/speke");
  });

  it("refuses bad arguments with messages naming the component, the argument and the value", () => {
    assert.throws(
      () => new AzureKeyDelivery("x", args({ corsAllowOrigins: ["*"] })),
      /AzureKeyDelivery: corsAllowOrigins cannot be "\*"/,
    );
    assert.throws(
      () => new AzureKeyDelivery("x", args({ corsAllowOrigins: ["ftp://a"] })),
      /AzureKeyDelivery: corsAllowOrigins "ftp:\/\/a" is not an origin/,
    );
    assert.throws(
      () => new AzureKeyDelivery("x", args({ speke: { enabled: true, entraClientId: "" } })),
      /AzureKeyDelivery: speke.entraClientId is required/,
    );
    assert.throws(
      () => new AzureKeyDelivery("x", args({ keySeed: { existingSecretName: "s" } })),
      /AzureKeyDelivery: keySeed.existingSecretName needs keyVault.existing/,
    );
    assert.throws(() => new AzureKeyDelivery("x", args({ policies: [] })), /AzureKeyDelivery: invalid policies/);
    assert.throws(
      () => new AzureKeyDelivery("x", args({ instanceMemoryMB: 1024 as never })),
      /AzureKeyDelivery: instanceMemoryMB must be 512, 2048 or 4096 \(got 1024\)/,
    );
    assert.throws(
      () => new AzureKeyDelivery("x", args({ keySeed: { value: "c2hvcnQ=" } })),
      (e: Error) =>
        /keySeed.value must be base64 of at least 30 bytes/.test(e.message) && !e.message.includes("c2hvcnQ="),
    );
  });
});
