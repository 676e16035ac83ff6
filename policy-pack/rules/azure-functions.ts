/**
 * Key delivery on Azure Functions (components/azure/key-delivery.ts): the Key Vault that holds the key seed, the
 * Function App's settings, transport security and stated network exposure. Types match any azure-native API version
 * module (`azure-native:web:WebApp`, `azure-native:web/v20240401:WebApp`, ...).
 */
import { get, isRecord, tryJson } from "./inspect";
import type { ResourceUnderReview, RuleDefinition, RuleFinding } from "./types";

const azureType = (type: string, module: string, name: string) =>
  new RegExp(`^azure-native:${module}(/v\\d+(preview)?)?:${name}$`).test(type);
const isWebApp = (r: ResourceUnderReview) => azureType(r.type, "web", "WebApp");
const isVault = (r: ResourceUnderReview) => azureType(r.type, "keyvault", "Vault");
const isStorage = (r: ResourceUnderReview) => azureType(r.type, "storage", "StorageAccount");

export const azureKeyVaultHardened: RuleDefinition = {
  name: "keyplane-azure-key-vault-hardened",
  description:
    "Key Vaults use RBAC authorization (roles scoped to each secret, not vault-wide access policies), soft delete and purge protection, so the key seed can be neither read through a broad access policy nor destroyed for good.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check(resource) {
    if (!isVault(resource)) return [];
    const p = isRecord(resource.props.properties) ? resource.props.properties : {};
    const out: RuleFinding[] = [];
    if (p.enableRbacAuthorization !== true)
      out.push({
        path: "properties.enableRbacAuthorization",
        message:
          "the vault uses access policies; set enableRbacAuthorization: true and grant Key Vault Secrets User on each secret",
      });
    if (p.enablePurgeProtection !== true)
      out.push({
        path: "properties.enablePurgeProtection",
        message: "purge protection is off: a deleted key seed could be purged for good",
      });
    if (p.enableSoftDelete === false) out.push({ path: "properties.enableSoftDelete", message: "soft delete is off" });
    if (Array.isArray(p.accessPolicies) && p.accessPolicies.length > 0)
      out.push({
        path: "properties.accessPolicies",
        message: "access policies grant vault-wide secret access; use RBAC role assignments scoped to the secret",
      });
    return out;
  },
};

/** Setting values that carry a storage key, a SAS, a password or a private key. */
const SECRET_VALUE =
  /(AccountKey=|SharedAccessSignature=|[?&]sig=|Password=|ClientSecret=|-----BEGIN [A-Z ]*PRIVATE KEY-----)/i;
/** Keyplane settings that hold secrets: they belong in the secret environment (Key Vault), never in app settings. */
const SECRET_SETTING =
  /^(KEY_SEED|KEYPLANE_DELIVERY_POLICIES|KEYPLANE_(DELIVERY_)?TOKEN_SIGNING_KEY|KEYPLANE_ENTITLEMENTS_JSON|AzureWebJobsStorage|WEBSITE_CONTENTAZUREFILECONNECTIONSTRING|.*_CONNECTION_?STRING)$/i;
/** Connection strings without a credential: Application Insights' (an ingestion id; send with Entra ID, local auth off). */
const ALLOWED_SETTING = /^APPLICATIONINSIGHTS_CONNECTION_STRING$/i;

function settingsOf(resource: ResourceUnderReview): Array<{ name: string; value: unknown; path: string }> {
  const out: Array<{ name: string; value: unknown; path: string }> = [];
  const site = isRecord(resource.props.siteConfig) ? resource.props.siteConfig : {};
  if (Array.isArray(site.appSettings))
    site.appSettings.forEach((s, i) => {
      isRecord(s) &&
        typeof s.name === "string" &&
        out.push({ name: s.name, value: s.value, path: `siteConfig.appSettings[${i}]` });
    });
  if (azureType(resource.type, "web", "WebAppApplicationSettings") && isRecord(resource.props.properties)) {
    for (const [k, v] of Object.entries(resource.props.properties))
      out.push({ name: k, value: v, path: `properties.${k}` });
  }
  return out;
}

export const azureNoSecretsInAppSettings: RuleDefinition = {
  name: "keyplane-azure-no-secrets-in-app-settings",
  description:
    "Function App settings carry no secrets: no storage connection strings or account keys, SAS tokens, passwords, private keys, key seeds, token signing keys (also inside a KEYPLANE_CONFIG document) or policies with verification keys. Use the managed identity (`AzureWebJobsStorage__accountName`) and Key Vault secret URIs read at run time.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check(resource) {
    if (!isWebApp(resource) && !azureType(resource.type, "web", "WebAppApplicationSettings")) return [];
    const out: RuleFinding[] = [];
    for (const s of settingsOf(resource)) {
      if (ALLOWED_SETTING.test(s.name)) {
        if (typeof s.value === "string" && SECRET_VALUE.test(s.value))
          out.push({ path: s.path, message: `app setting ${s.name} carries a credential` });
        continue;
      }
      if (SECRET_SETTING.test(s.name) && s.value !== undefined && s.value !== "")
        out.push({
          path: s.path,
          message: `app setting ${s.name} holds a secret; keep it in Key Vault (or use the managed identity) and pass only a reference`,
        });
      else if (typeof s.value === "string" && SECRET_VALUE.test(s.value))
        out.push({
          path: s.path,
          message: `app setting ${s.name} carries a credential (account key, SAS, password or private key)`,
        });
      else if (s.name === "KEYPLANE_CONFIG" && get(tryJson(s.value), ["delivery", "tokenIssuer", "signingKey"]))
        out.push({
          path: s.path,
          message:
            "app setting KEYPLANE_CONFIG holds a token signing key (delivery.tokenIssuer.signingKey); keep the document in the Key Vault secret environment",
        });
    }
    const site = isRecord(resource.props.siteConfig) ? resource.props.siteConfig : {};
    if (Array.isArray(site.connectionStrings) && site.connectionStrings.length > 0)
      out.push({
        path: "siteConfig.connectionStrings",
        message: "the app declares connection strings; reach storage and databases with the managed identity",
      });
    return out;
  },
};

export const azureHttpsOnly: RuleDefinition = {
  name: "keyplane-azure-https-only",
  description:
    "Function Apps serve HTTPS only with TLS 1.2 or later and no plain FTP; storage accounts accept HTTPS only with TLS 1.2 or later.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check(resource) {
    const out: RuleFinding[] = [];
    const p = resource.props;
    if (isWebApp(resource)) {
      const site = isRecord(p.siteConfig) ? p.siteConfig : {};
      if (p.httpsOnly !== true)
        out.push({ path: "httpsOnly", message: "the app answers plain HTTP; set httpsOnly: true" });
      if (site.minTlsVersion !== "1.2" && site.minTlsVersion !== "1.3")
        out.push({
          path: "siteConfig.minTlsVersion",
          message: `minimum TLS version ${JSON.stringify(site.minTlsVersion ?? "(platform default)")} is below 1.2 or unstated`,
        });
      if (site.ftpsState !== "Disabled" && site.ftpsState !== "FtpsOnly")
        out.push({ path: "siteConfig.ftpsState", message: "FTP is not disabled (set ftpsState: Disabled)" });
    }
    if (isStorage(resource)) {
      if (p.enableHttpsTrafficOnly === false)
        out.push({ path: "enableHttpsTrafficOnly", message: "the storage account accepts plain HTTP" });
      if (p.minimumTlsVersion !== "TLS1_2" && p.minimumTlsVersion !== "TLS1_3")
        out.push({
          path: "minimumTlsVersion",
          message: `minimum TLS version ${JSON.stringify(p.minimumTlsVersion ?? "(service default)")} is below TLS1_2 or unstated`,
        });
    }
    return out;
  },
};

export const azurePublicNetworkAccessStated: RuleDefinition = {
  name: "keyplane-azure-public-network-access-stated",
  description:
    "Function Apps, Key Vaults and storage accounts state publicNetworkAccess (Enabled or Disabled) instead of inheriting a service default, so the exposure of key delivery and of the key seed is a reviewed decision.",
  enforcementLevel: "advisory",
  configKeys: [],
  check(resource) {
    const stated = (v: unknown) => v === "Enabled" || v === "Disabled";
    if (isWebApp(resource) || isStorage(resource)) {
      return stated(resource.props.publicNetworkAccess)
        ? []
        : [{ path: "publicNetworkAccess", message: "publicNetworkAccess is not stated (Enabled or Disabled)" }];
    }
    if (isVault(resource)) {
      const p = isRecord(resource.props.properties) ? resource.props.properties : {};
      return stated(p.publicNetworkAccess)
        ? []
        : [
            {
              path: "properties.publicNetworkAccess",
              message: "publicNetworkAccess is not stated (Enabled or Disabled)",
            },
          ];
    }
    return [];
  },
};
