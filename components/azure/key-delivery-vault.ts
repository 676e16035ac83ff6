/**
 * AzureKeyDelivery's Key Vault: the vault (created with RBAC, soft delete and purge protection, or an existing one), the
 * key seed secret, and the secret environment: the one configuration document (KEYPLANE_CONFIG) and the policies.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { checkInput, checkOptional, shown } from "../shared/inputs";
import { deliveryDocument } from "../shared/keyplane-config";
import {
  type AzureKeyDeliveryArgs,
  type AzureKeySeedSpec,
  type AzureKeyVaultSpec,
  type AzurePlacement,
  fail,
} from "./key-delivery-args";

/** Key Vault caps a secret value at 25 KB. */
export const MAX_SECRET_ENV_BYTES = 25 * 1024;

const VAULT_NAME_RE = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const SECRET_NAME_RE = /^[a-zA-Z0-9-]{1,127}$/;

export interface DeliveryVault {
  vaultName: pulumi.Output<string>;
  /** The resource group the secrets are written to (the existing vault's, or the component's). */
  secretResourceGroup: pulumi.Input<string>;
  /** A secret's resource id (a role assignment scope). */
  secretId: (secretName: pulumi.Input<string>) => pulumi.Output<string>;
  /** A secret's versionless URI (what the apps read). */
  secretUri: (secretName: pulumi.Input<string>) => pulumi.Output<string>;
}

export function deliveryVault(
  name: string,
  a: AzurePlacement & { pna: string; tenantId: pulumi.Input<string>; vaultSpec: AzureKeyVaultSpec },
  opts: pulumi.CustomResourceOptions,
): DeliveryVault {
  const spec = a.vaultSpec;
  let vaultName: pulumi.Output<string>;
  let vaultUri: pulumi.Output<string>;
  let vaultId: pulumi.Output<string>;
  if ("existing" in spec) {
    const ex = spec.existing;
    const v = keyvault.getVaultOutput(
      { vaultName: ex.name, resourceGroupName: ex.resourceGroupName ?? a.rg },
      { parent: opts.parent },
    );
    vaultName = pulumi.output(ex.name);
    vaultUri = v.properties.apply((p) => p.vaultUri ?? "");
    vaultId = v.id;
  } else {
    const c = spec.create ?? {};
    const retentionDays = c.softDeleteRetentionInDays ?? 90;
    if (!Number.isInteger(retentionDays) || retentionDays < 7 || retentionDays > 90)
      fail(`keyVault.create.softDeleteRetentionInDays must be 7..90 (got ${shown(retentionDays)})`);
    const vn = checkOptional(c.name, (n) => {
      if (typeof n !== "string" || !VAULT_NAME_RE.test(n))
        fail(`keyVault.create.name ${shown(n)} must be 3-24 letters, digits and hyphens, starting with a letter`);
      return n;
    });
    const vault = new keyvault.Vault(
      `${name}-kv`,
      {
        resourceGroupName: a.rg,
        ...a.loc,
        ...a.tags,
        ...(vn !== undefined ? { vaultName: vn } : {}),
        properties: {
          tenantId: a.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: retentionDays,
          enablePurgeProtection: true,
          publicNetworkAccess: a.pna,
          enabledForDeployment: false,
          enabledForTemplateDeployment: false,
          enabledForDiskEncryption: false,
        },
      },
      opts,
    );
    vaultName = vault.name;
    vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    vaultId = vault.id;
  }
  return {
    vaultName,
    secretResourceGroup: "existing" in spec ? (spec.existing.resourceGroupName ?? a.rg) : a.rg,
    secretId: (secretName) => pulumi.interpolate`${vaultId}/secrets/${secretName}`,
    secretUri: (secretName) =>
      pulumi.all([vaultUri, secretName]).apply(([u, n]) => `${u.replace(/\/$/, "")}/secrets/${n}`),
  };
}

/** The key seed secret's name: the existing one (checked), or `keyplane-key-seed` written from the value or 32 random bytes. */
export function keySeedSecret(
  name: string,
  a: Pick<AzurePlacement, "tags"> & { vault: DeliveryVault; seedSpec: AzureKeySeedSpec },
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const spec = a.seedSpec;
  if ("existingSecretName" in spec)
    return checkInput(spec.existingSecretName, (n) => {
      if (typeof n !== "string" || !SECRET_NAME_RE.test(n))
        fail(`keySeed.existingSecretName ${shown(n)} is not a Key Vault secret name`);
      return n;
    });
  let value: pulumi.Output<string>;
  if ("value" in spec) {
    value = pulumi.secret(
      checkInput(spec.value, (v) => {
        // Never echo the value: it is the seed.
        if (
          typeof v !== "string" ||
          !/^[A-Za-z0-9+/]+={0,2}$/.test(v.trim()) ||
          Buffer.from(v.trim(), "base64").length < 30
        )
          fail("keySeed.value must be base64 of at least 30 bytes");
        return v.trim();
      }),
    );
  } else {
    value = new random.RandomBytes(`${name}-seed`, { length: 32 }, opts).base64;
  }
  const s = new keyvault.Secret(
    `${name}-seed`,
    {
      resourceGroupName: a.vault.secretResourceGroup,
      vaultName: a.vault.vaultName,
      secretName: "keyplane-key-seed",
      properties: { value: pulumi.secret(value), contentType: "application/x-keyplane-key-seed+base64" },
      ...a.tags,
    },
    { ...opts, additionalSecretOutputs: ["properties"] },
  );
  return s.name;
}

/**
 * The secret environment `keyplane-delivery-env`: KEYPLANE_CONFIG (token settings and signing key, CORS origins,
 * entitlement rules, license proxy, the two tables) and KEYPLANE_DELIVERY_POLICIES, as one JSON secret.
 */
export function secretEnvironment(
  name: string,
  a: Pick<AzurePlacement, "tags"> &
    Pick<AzureKeyDeliveryArgs, "delivery" | "entitlements" | "license"> & {
      vault: DeliveryVault;
      policiesJson: pulumi.Output<string>;
      cors: pulumi.Output<string[]>;
      tableEndpoint: pulumi.Output<string>;
      registryTableName: pulumi.Output<string>;
      useCounterTableName: pulumi.Output<string>;
    },
  opts: pulumi.CustomResourceOptions,
): keyvault.Secret {
  const stores = pulumi.all([a.tableEndpoint, a.registryTableName, a.useCounterTableName]);
  const secretEnvJson = pulumi.secret(
    pulumi
      .all([
        a.policiesJson,
        pulumi.output(a.delivery),
        pulumi.output(a.entitlements),
        pulumi.output(a.license),
        a.cors,
        stores,
      ])
      .apply(([policies, settings, entitlements, license, corsAllowOrigins, [endpoint, registry, uses]]) => {
        const json = JSON.stringify({
          KEYPLANE_DELIVERY_POLICIES: policies,
          KEYPLANE_CONFIG: deliveryDocument("AzureKeyDelivery", {
            settings,
            corsAllowOrigins,
            useCounter: { type: "azureTable", endpoint, tableName: uses },
            contentKeyRegistry: { type: "azureTable", endpoint, tableName: registry },
            entitlements,
            license,
          }),
        });
        if (Buffer.byteLength(json) > MAX_SECRET_ENV_BYTES)
          fail(
            `the secret configuration takes ${Buffer.byteLength(json)} bytes; a Key Vault secret holds ${MAX_SECRET_ENV_BYTES} (use OpenID discovery or fewer keys)`,
          );
        return json;
      }),
  );
  return new keyvault.Secret(
    `${name}-env`,
    {
      resourceGroupName: a.vault.secretResourceGroup,
      vaultName: a.vault.vaultName,
      secretName: "keyplane-delivery-env",
      properties: { value: secretEnvJson, contentType: "application/json" },
      ...a.tags,
    },
    { ...opts, additionalSecretOutputs: ["properties"] },
  );
}
