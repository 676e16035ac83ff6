/**
 * The azure-key-delivery composition under Pulumi mocks: AzureKeyDelivery and AzureContentProtection together, the AMS
 * streaming policies' licence and key URL templates pointing at the Function App (URL shapes: keyplaneUrlTemplates in
 * components/azure/render.ts; AMS template tokens per the Media Services v3 StreamingPolicy reference), one seed.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { azureKeyDelivery } from "../../stacks/compositions/azure-key-delivery";
import { buildContentKeyPolicy } from "../../stacks/policy";
import { parseStackSettings } from "../../stacks/config";
import { reveal } from "../support/azure-mocks";

const rec: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
const SEED = Buffer.alloc(30, 3).toString("base64");

describe("stacks/compositions/azure-key-delivery (mocks)", function () {
  this.timeout(60_000);
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(a) {
          rec.push({ type: a.type, name: a.name, inputs: a.inputs });
          const extra: Record<string, unknown> = {};
          if (a.type === "azure-native:web/v20240401:WebApp") extra.defaultHostName = `${a.name}.azurewebsites.net`;
          if (a.type === "azure-native:storage:StorageAccount")
            extra.primaryEndpoints = {
              blob: "https://stkp.blob.core.windows.net/",
              table: "https://stkp.table.core.windows.net/",
            };
          if (a.type === "azure-native:keyvault:Vault") extra.properties = { vaultUri: "https://kv.vault.azure.net/" };
          if (a.type === "azure-native:managedidentity:UserAssignedIdentity")
            Object.assign(extra, { principalId: "p", clientId: "c" });
          if (a.type === "azure-native:insights:Component") extra.connectionString = "InstrumentationKey=0";
          if (a.type === "azure-native:keyvault:Secret" || a.type === "azure-native:storage:Table")
            extra.name = reveal(a.inputs.secretName ?? a.inputs.tableName);
          return { id: `${a.name}-id`, state: { ...a.inputs, ...extra, name: extra.name ?? a.name } };
        },
        call(a) {
          if (a.token === "azure-native:authorization:getClientConfig")
            return { subscriptionId: "s", tenantId: "t", clientId: "c", objectId: "o" };
          if (a.token === "azure-native:media:listStreamingLocatorPaths")
            return { streamingPaths: [], downloadPaths: [] };
          if (a.token === "azure-native:media:listStreamingLocatorContentKeys") return { contentKeys: [] };
          throw new Error(`unexpected invoke ${a.token}`);
        },
      },
      "keyplane",
      "test",
      false,
    );
  });

  it("points every AMS licence and key template at the AzureKeyDelivery Function App, with one seed for both", async () => {
    const settings = parseStackSettings(
      {
        environment: "dev",
        composition: "azure-vod",
        azure: { resourceGroupName: "rg", account: { create: { name: "amsdev" } }, assets: [{ name: "movie" }] },
        contentProtection: {
          restriction: "token",
          issuer: "https://sts.example",
          audience: "players",
          drm: ["ClearKey", "Widevine", "PlayReady"],
        },
      },
      "keyplane",
    );
    const policy = buildContentKeyPolicy(settings.contentProtection, Buffer.alloc(32, 9).toString("base64"));
    const out = azureKeyDelivery("kp", {
      azure: settings.azure!,
      keySeed: pulumi.secret(SEED),
      policy,
      contentProtection: settings.contentProtection,
      corsAllowOrigins: ["https://player.example.com"],
    });
    const url = await new Promise<string>((r) =>
      (out.clearKeyLicenseUrl as pulumi.Output<string>).apply((v) => {
        r(v);
        return v;
      }),
    );
    assert.equal(url, "https://kp-keys-fn.azurewebsites.net/clearkey");
    await new Promise((r) => setTimeout(r, 300));
    const sps = rec.filter((r) => r.type === "azure-native:media:StreamingPolicy").map((r) => reveal(r.inputs) as any);
    const cenc = sps.find((s) => s.commonEncryptionCenc)!.commonEncryptionCenc;
    assert.equal(
      cenc.drm.playReady.customLicenseAcquisitionUrlTemplate,
      "https://kp-keys-fn.azurewebsites.net/license/playready?kid={ContentKeyId}",
    );
    assert.equal(
      cenc.drm.widevine.customLicenseAcquisitionUrlTemplate,
      "https://kp-keys-fn.azurewebsites.net/license/widevine?kid={ContentKeyId}",
    );
    const env = sps.find((s) => s.envelopeEncryption)!.envelopeEncryption;
    assert.equal(env.customKeyAcquisitionUrlTemplate, "https://kp-keys-fn.azurewebsites.net/hls/key/{ContentKeyId}");
    const seedSecret = rec.find(
      (r) => r.type === "azure-native:keyvault:Secret" && reveal(r.inputs.secretName) === "keyplane-key-seed",
    )!;
    assert.equal(
      (reveal(seedSecret.inputs.properties) as any).value,
      SEED,
      "the Key Vault seed is the seed the AMS locators use",
    );
    assert.equal(rec.filter((r) => r.type === "random:index/randomBytes:RandomBytes").length, 0);
  });
});
