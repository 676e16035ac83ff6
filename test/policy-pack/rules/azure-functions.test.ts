/**
 * Rules for key delivery on Azure Functions: passing and failing resources for each, by hand (shapes of the ARM
 * Microsoft.KeyVault/vaults, Microsoft.Web/sites and Microsoft.Storage/storageAccounts properties), plus every rule over
 * what AzureKeyDelivery itself declares under Pulumi mocks (it must pass its own pack).
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  azureHttpsOnly,
  azureKeyVaultHardened,
  azureNoSecretsInAppSettings,
  azurePublicNetworkAccessStated,
  evaluate,
} from "../../../policy-pack/rules";
import { AzureKeyDelivery } from "../../../components/azure";
import { reveal } from "../../support/azure-mocks";
import { assertFindings, res, run } from "../../support/policy-rules";

const vault = (p: Record<string, unknown>) =>
  res("azure-native:keyvault:Vault", { properties: { tenantId: "t", sku: { family: "A", name: "standard" }, ...p } });
const app = (props: Record<string, unknown>, settings: Array<{ name: string; value: string }> = []) =>
  res("azure-native:web/v20240401:WebApp", {
    kind: "functionapp,linux",
    httpsOnly: true,
    publicNetworkAccess: "Enabled",
    ...props,
    siteConfig: {
      minTlsVersion: "1.2",
      ftpsState: "Disabled",
      appSettings: settings,
      ...((props.siteConfig as object) ?? {}),
    },
  });

describe("policy-pack/rules/azure-functions", () => {
  describe("keyplane-azure-key-vault-hardened", () => {
    it("passes RBAC + soft delete + purge protection", () => {
      assert.deepEqual(
        run(
          azureKeyVaultHardened,
          vault({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true }),
        ),
        [],
      );
    });
    it("fails access policies, no purge protection, soft delete off", () => {
      const R = "keyplane-azure-key-vault-hardened";
      assertFindings(
        run(
          azureKeyVaultHardened,
          vault({
            enableRbacAuthorization: false,
            enableSoftDelete: false,
            accessPolicies: [{ objectId: "x", permissions: { secrets: ["get"] } }],
          }),
        ),
        [
          [R, /uses access policies; set enableRbacAuthorization: true/, "properties.enableRbacAuthorization"],
          [R, /purge protection is off/, "properties.enablePurgeProtection"],
          [R, "soft delete is off", "properties.enableSoftDelete"],
          [R, /access policies grant vault-wide secret access/, "properties.accessPolicies"],
        ],
      );
      assertFindings(
        run(
          azureKeyVaultHardened,
          res("azure-native:keyvault/v20230701:Vault", { properties: { enableRbacAuthorization: true } }),
        ),
        [[R, /purge protection is off/, "properties.enablePurgeProtection"]],
      );
    });
  });

  describe("keyplane-azure-no-secrets-in-app-settings", () => {
    it("passes identity-based storage, Key Vault URIs and Application Insights' connection string", () => {
      assert.deepEqual(
        run(
          azureNoSecretsInAppSettings,
          app({}, [
            { name: "AzureWebJobsStorage__accountName", value: "st" },
            { name: "KEYPLANE_KEY_SEED_SECRET_URI", value: "https://kv.vault.azure.net/secrets/keyplane-key-seed" },
            {
              name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
              value: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/",
            },
          ]),
        ),
        [],
      );
    });
    it("fails storage connection strings, SAS URLs, seeds, signing keys, policies and declared connection strings", () => {
      const v = run(
        azureNoSecretsInAppSettings,
        app({ siteConfig: { connectionStrings: [{ name: "db", connectionString: "x" }] } }, [
          { name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==" },
          { name: "PACKAGE_URL", value: "https://st.blob.core.windows.net/c/p.zip?sv=2022&sig=abc" },
          { name: "KEY_SEED", value: "XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I" },
          { name: "KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY", value: '{"alg":"HS256"}' },
          { name: "KEYPLANE_DELIVERY_POLICIES", value: "{}" },
          { name: "MY_DB_CONNECTION_STRING", value: "Server=x" },
          // docs/configuration.md: delivery.tokenIssuer.signingKey inside the one document
          {
            name: "KEYPLANE_CONFIG",
            value: JSON.stringify({
              delivery: {
                tokenIssuer: { signingKey: { alg: "HS256", keyBase64: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" } },
              },
            }),
          },
        ]),
      );
      const R = "keyplane-azure-no-secrets-in-app-settings";
      assertFindings(v, [
        [R, /app setting AzureWebJobsStorage holds a secret/, "siteConfig.appSettings[0]"],
        [R, /app setting PACKAGE_URL carries a credential/, "siteConfig.appSettings[1]"],
        [R, /app setting KEY_SEED holds a secret/, "siteConfig.appSettings[2]"],
        [R, /app setting KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY holds a secret/, "siteConfig.appSettings[3]"],
        [R, /app setting KEYPLANE_DELIVERY_POLICIES holds a secret/, "siteConfig.appSettings[4]"],
        [R, /app setting MY_DB_CONNECTION_STRING holds a secret/, "siteConfig.appSettings[5]"],
        [
          R,
          /app setting KEYPLANE_CONFIG holds a token signing key \(delivery\.tokenIssuer\.signingKey\)/,
          "siteConfig.appSettings[6]",
        ],
        [R, /declares connection strings/, "siteConfig.connectionStrings"],
      ]);
      assert.ok(
        v.every((x) => !x.message.includes("abc==") && !x.message.includes("XVBov") && !x.message.includes("c2VjcmV0")),
        "messages never echo the secret",
      );
    });
  });

  describe("keyplane-azure-https-only", () => {
    it("passes HTTPS only, TLS 1.2, FTP off, and a TLS 1.2 HTTPS-only storage account", () => {
      assert.deepEqual(run(azureHttpsOnly, app({})), []);
      assert.deepEqual(
        run(
          azureHttpsOnly,
          res("azure-native:storage:StorageAccount", { enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2" }),
        ),
        [],
      );
    });
    it("fails plain HTTP, TLS 1.0, FTP allowed, and an HTTP storage account without a TLS floor", () => {
      const R = "keyplane-azure-https-only";
      assertFindings(
        run(azureHttpsOnly, app({ httpsOnly: false, siteConfig: { minTlsVersion: "1.0", ftpsState: "AllAllowed" } })),
        [
          [R, "the app answers plain HTTP; set httpsOnly: true", "httpsOnly"],
          [R, /^minimum TLS version "1\.0" is below/, "siteConfig.minTlsVersion"],
          [R, "FTP is not disabled (set ftpsState: Disabled)", "siteConfig.ftpsState"],
        ],
      );
      assertFindings(
        run(azureHttpsOnly, res("azure-native:storage:StorageAccount", { enableHttpsTrafficOnly: false })),
        [
          [R, "the storage account accepts plain HTTP", "enableHttpsTrafficOnly"],
          [R, /^minimum TLS version "\(service default\)" is below/, "minimumTlsVersion"],
        ],
      );
    });
  });

  describe("keyplane-azure-public-network-access-stated", () => {
    it("passes stated Enabled / Disabled", () => {
      assert.deepEqual(run(azurePublicNetworkAccessStated, app({ publicNetworkAccess: "Disabled" })), []);
      assert.deepEqual(run(azurePublicNetworkAccessStated, vault({ publicNetworkAccess: "Enabled" })), []);
    });
    it("fails an unstated app, vault and storage account", () => {
      const { publicNetworkAccess: _drop, ...rest } = app({}).props;
      void _drop;
      const R = "keyplane-azure-public-network-access-stated";
      const unstated = "publicNetworkAccess is not stated (Enabled or Disabled)";
      assertFindings(run(azurePublicNetworkAccessStated, res("azure-native:web:WebApp", rest)), [
        [R, unstated, "publicNetworkAccess"],
      ]);
      assertFindings(run(azurePublicNetworkAccessStated, vault({})), [[R, unstated, "properties.publicNetworkAccess"]]);
      assertFindings(run(azurePublicNetworkAccessStated, res("azure-native:storage:StorageAccount", {})), [
        [R, unstated, "publicNetworkAccess"],
      ]);
    });
  });

  describe("over AzureKeyDelivery's own resources (mocks)", function () {
    this.timeout(60_000);
    it("finds nothing: the component passes its own pack (Azure rules and the rest)", async () => {
      const recs: Array<{ type: string; name: string; props: Record<string, unknown> }> = [];
      await pulumi.runtime.setMocks(
        {
          newResource(a) {
            recs.push({ type: a.type, name: a.name, props: reveal(a.inputs) as Record<string, unknown> });
            const extra: Record<string, unknown> = {};
            if (a.type === "azure-native:storage:StorageAccount")
              extra.primaryEndpoints = {
                blob: "https://stkp.blob.core.windows.net/",
                table: "https://stkp.table.core.windows.net/",
              };
            if (a.type === "azure-native:keyvault:Vault")
              extra.properties = { vaultUri: "https://kv.vault.azure.net/" };
            if (a.type === "azure-native:insights:Component") extra.connectionString = "InstrumentationKey=0";
            if (a.type === "azure-native:managedidentity:UserAssignedIdentity")
              Object.assign(extra, { principalId: "p", clientId: "c" });
            if (a.type === "azure-native:web/v20240401:WebApp") extra.defaultHostName = "h";
            if (a.type === "azure-native:storage:Table") extra.name = a.inputs.tableName;
            if (a.type === "random:index/randomBytes:RandomBytes")
              extra.base64 = Buffer.alloc(32, 1).toString("base64");
            return { id: `${a.name}-id`, state: { ...a.inputs, ...extra } };
          },
          call: () => ({ subscriptionId: "s", tenantId: "t" }),
        },
        "keyplane",
        "prod",
        false,
      );
      const c = new AzureKeyDelivery("kd", {
        resourceGroupName: "rg",
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
                  issuer: "https://sts.example",
                  audience: "players",
                  primaryVerificationKey: { type: "Symmetric", keyValue: Buffer.alloc(32, 2).toString("base64") },
                },
              },
            ],
          },
        ] as never,
        defaultPolicy: "p",
        corsAllowOrigins: ["https://player.example.com"],
        speke: { enabled: true, entraClientId: "11111111-2222-3333-4444-555555555555" },
      });
      await new Promise<void>((r) => c.url.apply(() => r()));
      await new Promise((r) => setTimeout(r, 100));
      const findings = evaluate(
        recs.map((r) => ({
          type: r.type,
          name: r.name,
          urn: `urn:pulumi:prod::keyplane::${r.type}::${r.name}`,
          props: r.props,
        })),
      );
      assert.deepEqual(
        findings.map((f) => `${f.rule} ${f.resource?.type ?? ""} ${f.path ?? ""}`),
        [],
      );
      assert.ok(recs.some((r) => r.type === "azure-native:web/v20240401:WebApp"));
    });
  });
});
