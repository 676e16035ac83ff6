/**
 * The Azure credential the Functions runtime reaches Key Vault and Table Storage with: the Function App's managed
 * identity (`ManagedIdentityCredential`; a user-assigned one when `AZURE_CLIENT_ID` is set), or, off Azure (a developer
 * signed in with the Azure CLI), `DefaultAzureCredential`. No connection string, account key or client secret is ever
 * read. `@azure/identity` is loaded on first use, so code paths that never reach Azure do not load it.
 */
import type { TokenCredential } from "@azure/identity";

export type { TokenCredential };

let cached: TokenCredential | undefined;

/** True when the process runs with an App Service / Functions managed identity endpoint. */
export function hasManagedIdentityEndpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT);
}

/** The process-wide credential (created once). Pass your own credential to the stores and readers to override it. */
export function azureCredential(env: NodeJS.ProcessEnv = process.env): TokenCredential {
  if (cached) return cached;
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  const clientId = env.AZURE_CLIENT_ID || undefined;
  cached = hasManagedIdentityEndpoint(env)
    ? new identity.ManagedIdentityCredential(clientId ? { clientId } : {})
    : new identity.DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
  return cached;
}
