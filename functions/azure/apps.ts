/**
 * The apps the Azure Functions entries serve (functions/runtimes/entries/azure-*.ts), built from the Keyplane
 * configuration (`KEYPLANE_CONFIG`, normally in the secret environment) with the app settings and the secret environment
 * read from Key Vault merged (the secret wins): key delivery (token service, ClearKey, HLS keys, license proxy) and the
 * optional SPEKE key server. The content key registry and the replay counter are Azure Table Storage tables
 * (`{"type":"azureTable","endpoint","tableName"}` in `contentKeyRegistry` / `delivery.useCounter`) reached with the
 * managed identity. Tests build the same apps with injected stores, reader and seed.
 *
 * App settings (none secret): KEYPLANE_KEY_SEED_SECRET_URI, KEYPLANE_SECRET_ENV_URI (Key Vault secret URIs). The
 * secret environment holds KEYPLANE_CONFIG, KEYPLANE_DELIVERY_POLICIES and any other KEYPLANE_* variable.
 */
import { composeApp } from "../compose";
import { loadConfigSections } from "../config-source";
import type { KeyplaneContext } from "../context";
import { deliveryConfigSchema, hasNoPolicySource } from "../delivery/config";
import { deliveryRoutes } from "../delivery/routes";
import { KeyplaneError } from "../errors";
import type { App } from "../http/router";
import type { AppEnv } from "../http/env";
import { licenseConfigSchema } from "../license/config";
import { licenseRoutes } from "../license/routes";
import { AzureTableContentKeyRegistry } from "../registry/azure-table";
import { contentKeyRegistryConfigSchema, type ContentKeyRegistryConfig } from "../registry/config";
import { MemoryContentKeyRegistry, type ContentKeyRegistry } from "../registry/registry";
import { spekeConfigSchema } from "../speke/config";
import { spekeRoutes } from "../speke/routes";
import { AzureTableUseCounter } from "../tokens/counter-azure-table";
import { MemoryUseCounter, type UseCounter } from "../tokens/counter";
import type { DeliveryConfig } from "../delivery/config";
import type { SecretValueReader } from "../aws/secrets";
import type { TokenCredential } from "./credential";
import { secretEnvironment } from "./key-vault";
import { tableEndpointOf } from "./table-config";
import * as z from "../zod";

export interface AzureAppOptions {
  ctx: KeyplaneContext;
  env?: NodeJS.ProcessEnv;
  /** Reads Key Vault secrets (default: `@azure/keyvault-secrets` with the managed identity). */
  reader?: SecretValueReader;
  credential?: TokenCredential;
  /** Stores of your own (tests: Azurite clients); default from the configuration. */
  registry?: ContentKeyRegistry;
  useCounter?: UseCounter;
}

function configError(message: string): KeyplaneError {
  return new KeyplaneError("CONFIG_INVALID", message, { status: 500 });
}

/** The registry of `contentKeyRegistry`: `azureTable` or `memory` (the other kinds are not served on Azure). */
export function azureRegistry(config: ContentKeyRegistryConfig, credential?: TokenCredential): ContentKeyRegistry {
  if (config.type === "memory") return new MemoryContentKeyRegistry();
  if (config.type !== "azureTable")
    throw configError(`contentKeyRegistry: ${config.type} is not available on Azure Functions (use azureTable)`);
  return new AzureTableContentKeyRegistry({
    endpoint: tableEndpointOf(config),
    tableName: config.tableName,
    ...(credential ? { credential } : {}),
  });
}

/** The replay counter of `delivery.useCounter`: `azureTable` or `memory`. */
export function azureUseCounter(
  ctx: KeyplaneContext,
  config: DeliveryConfig["useCounter"],
  credential?: TokenCredential,
): UseCounter {
  if (config.type === "memory") return new MemoryUseCounter({ maxEntries: config.maxEntries, now: () => ctx.now() });
  if (config.type !== "azureTable")
    throw configError(`delivery.useCounter: ${config.type} is not available on Azure Functions (use azureTable)`);
  return new AzureTableUseCounter({
    endpoint: tableEndpointOf(config),
    tableName: config.tableName,
    ...(credential ? { credential } : {}),
  });
}

/** App settings merged with the Key Vault secret environment (the secret wins). */
export async function azureEnvironment(env: NodeJS.ProcessEnv, reader?: SecretValueReader): Promise<NodeJS.ProcessEnv> {
  return { ...env, ...(await secretEnvironment(env, reader)) };
}

/** Key delivery + license proxy, as the `azure-delivery` entry serves them. Policies must be configured. */
export async function buildAzureDeliveryApp(o: AzureAppOptions): Promise<App<AppEnv>> {
  const env = await azureEnvironment(o.env ?? process.env, o.reader);
  const { delivery, license, contentKeyRegistry } = loadConfigSections(
    {
      delivery: z.prefault(deliveryConfigSchema, {}),
      license: z.prefault(licenseConfigSchema, {}),
      contentKeyRegistry: contentKeyRegistryConfigSchema,
    },
    { env, overrides: { delivery: { lab: false } } },
  );
  if (hasNoPolicySource(delivery, env)) {
    throw configError(
      `Key delivery on Azure Functions needs policies: put ${delivery.policyEnv} (JSON) in the secret environment (KEYPLANE_SECRET_ENV_URI); the lab policy is for the local lab only`,
    );
  }
  const registry = o.registry ?? azureRegistry(contentKeyRegistry, o.credential);
  const useCounter = o.useCounter ?? azureUseCounter(o.ctx, delivery.useCounter, o.credential);
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
  const { speke, contentKeyRegistry } = loadConfigSections(
    { speke: z.prefault(spekeConfigSchema, {}), contentKeyRegistry: contentKeyRegistryConfigSchema },
    { env },
  );
  const registry = o.registry ?? azureRegistry(contentKeyRegistry, o.credential);
  return composeApp(o.ctx, { speke }, { speke: spekeRoutes }, { areas: ["speke"], contentKeyRegistry: registry });
}
