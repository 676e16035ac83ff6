/**
 * The apps the Azure Functions entries serve (functions/runtimes/entries/azure-*.ts), built from app settings plus the
 * secret environment read from Key Vault: key delivery (token service, ClearKey, HLS keys, license proxy) and the
 * optional SPEKE key server. The content key registry and the replay counter are Azure Table Storage tables reached
 * with the managed identity. Tests build the same apps with injected stores, reader and seed.
 *
 * App settings (none secret): KEYPLANE_KEY_SEED_SECRET_URI, KEYPLANE_SECRET_ENV_URI (Key Vault secret URIs),
 * KEYPLANE_TABLE_ENDPOINT (`https://<account>.table.core.windows.net`), KEYPLANE_REGISTRY_TABLE,
 * KEYPLANE_USE_COUNTER_TABLE_AZURE, KEYPLANE_CORS_ORIGINS and the non-secret delivery knobs. The secret environment may
 * hold KEYPLANE_CONFIG, KEYPLANE_DELIVERY_POLICIES, KEYPLANE_TOKEN_SIGNING_KEY and any other KEYPLANE_* setting.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeApp } from "../compose";
import { configJsonFromEnv, parseConfigSection } from "../config-env";
import type { KeyplaneContext } from "../context";
import { deliveryConfigSchema, hasNoPolicySource, loadDeliveryConfig } from "../delivery/config";
import { deliveryRoutes } from "../delivery/routes";
import { KeyplaneError } from "../errors";
import type { App } from "../http/router";
import type { AppEnv } from "../http/env";
import { licenseConfigSchema } from "../license/config";
import { licenseRoutes } from "../license/routes";
import { AzureTableContentKeyRegistry } from "../registry/azure-table";
import { MemoryContentKeyRegistry, type ContentKeyRegistry } from "../registry/registry";
import { spekeConfigSchema } from "../speke/config";
import { spekeRoutes } from "../speke/routes";
import { AzureTableUseCounter } from "../tokens/counter-azure-table";
import { MemoryUseCounter, type UseCounter } from "../tokens/counter";
import type { SecretValueReader } from "../aws/secrets";
import type { TokenCredential } from "./credential";
import { secretEnvironment } from "./key-vault";
import * as z from "../zod";

export const TABLE_ENDPOINT = "KEYPLANE_TABLE_ENDPOINT";
export const REGISTRY_TABLE = "KEYPLANE_REGISTRY_TABLE";
/** Not KEYPLANE_USE_COUNTER_TABLE: that one selects the DynamoDB counter in functions/delivery/config.ts. */
export const USE_COUNTER_TABLE = "KEYPLANE_USE_COUNTER_TABLE_AZURE";

export interface AzureAppOptions {
  ctx: KeyplaneContext;
  env?: NodeJS.ProcessEnv;
  /** Reads Key Vault secrets (default: `@azure/keyvault-secrets` with the managed identity). */
  reader?: SecretValueReader;
  credential?: TokenCredential;
  /** Stores of your own (tests: Azurite clients); default from the table settings. */
  registry?: ContentKeyRegistry;
  useCounter?: UseCounter;
}

function configError(message: string): KeyplaneError {
  return new KeyplaneError("CONFIG_INVALID", message, { status: 500 });
}

function tableEndpoint(env: NodeJS.ProcessEnv): string {
  const e = env[TABLE_ENDPOINT];
  if (!e || !/^https:\/\/[a-z0-9]{3,24}\.table\.[a-z0-9.-]+\/?$/.test(e))
    throw configError(
      `${TABLE_ENDPOINT} must be the storage account's table endpoint (https://<account>.table.core.windows.net)`,
    );
  return e.replace(/\/$/, "");
}

export function azureRegistry(env: NodeJS.ProcessEnv, credential?: TokenCredential): ContentKeyRegistry {
  const table = env[REGISTRY_TABLE];
  if (!table) return new MemoryContentKeyRegistry();
  return new AzureTableContentKeyRegistry({
    endpoint: tableEndpoint(env),
    tableName: table,
    ...(credential ? { credential } : {}),
  });
}

export function azureUseCounter(
  ctx: KeyplaneContext,
  env: NodeJS.ProcessEnv,
  credential?: TokenCredential,
): UseCounter {
  const table = env[USE_COUNTER_TABLE];
  if (!table) return new MemoryUseCounter({ now: () => ctx.now() });
  return new AzureTableUseCounter({
    endpoint: tableEndpoint(env),
    tableName: table,
    ...(credential ? { credential } : {}),
  });
}

/** Entitlement rules (functions/delivery/entitlements.ts, JSON) carried in the secret environment. */
export const ENTITLEMENTS_JSON = "KEYPLANE_ENTITLEMENTS_JSON";

/**
 * App settings merged with the Key Vault secret environment (the secret wins). Entitlement rules given inline
 * (KEYPLANE_ENTITLEMENTS_JSON) are written once to a private temporary file (0600 in a 0700 directory) for the rules
 * loader, which reads a file.
 */
export async function azureEnvironment(env: NodeJS.ProcessEnv, reader?: SecretValueReader): Promise<NodeJS.ProcessEnv> {
  const merged: NodeJS.ProcessEnv = { ...env, ...(await secretEnvironment(env, reader)) };
  const rules = merged[ENTITLEMENTS_JSON];
  if (rules && !merged.KEYPLANE_ENTITLEMENTS_FILE) {
    const dir = mkdtempSync(join(tmpdir(), "keyplane-"));
    chmodSync(dir, 0o700);
    const file = join(dir, "entitlements.json");
    writeFileSync(file, rules, { mode: 0o600, flag: "wx" });
    merged.KEYPLANE_ENTITLEMENTS_FILE = file;
  }
  delete merged[ENTITLEMENTS_JSON];
  return merged;
}

/** Key delivery + license proxy, as the `azure-delivery` entry serves them. Policies must be configured. */
export async function buildAzureDeliveryApp(o: AzureAppOptions): Promise<App<AppEnv>> {
  const env = await azureEnvironment(o.env ?? process.env, o.reader);
  const json = configJsonFromEnv(env);
  parseConfigSection(z.prefault(deliveryConfigSchema, {}), json.delivery, "delivery");
  const license = parseConfigSection(z.prefault(licenseConfigSchema, {}), json.license, "license");
  const delivery = loadDeliveryConfig({ env, overrides: { lab: false } });
  if (hasNoPolicySource(delivery, env)) {
    throw configError(
      `Key delivery on Azure Functions needs policies: put ${delivery.policyEnv} (JSON) in the secret environment (KEYPLANE_SECRET_ENV_URI); the lab policy is for the local lab only`,
    );
  }
  const registry = o.registry ?? azureRegistry(env, o.credential);
  const useCounter = o.useCounter ?? azureUseCounter(o.ctx, env, o.credential);
  return composeApp(
    o.ctx,
    { delivery, license },
    { delivery: deliveryRoutes, license: licenseRoutes },
    {
      areas: ["delivery", "license"],
      contentKeyRegistry: registry,
      deliveryDeps: { env, useCounter, contentKeyRegistry: registry },
      licenseDeps: { useCounter },
    },
  );
}

/** The SPEKE key server (optional on Azure, behind App Service Authentication), writing the registry. */
export async function buildAzureSpekeApp(o: AzureAppOptions): Promise<App<AppEnv>> {
  const env = await azureEnvironment(o.env ?? process.env, o.reader);
  const json = configJsonFromEnv(env);
  const speke = parseConfigSection(z.prefault(spekeConfigSchema, {}), json.speke, "speke");
  const registry = o.registry ?? azureRegistry(env, o.credential);
  return composeApp(o.ctx, { speke }, { speke: spekeRoutes }, { areas: ["speke"], contentKeyRegistry: registry });
}
