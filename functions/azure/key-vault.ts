/**
 * Key Vault on the Azure Functions runtime: the key seed and the secret part of the configuration (content key policies
 * that hold verification keys, the token signing key, license proxy secrets) are Key Vault secrets the Function App's
 * managed identity reads ("Key Vault Secrets User" on each secret, nothing on the vault). App settings hold only the
 * secrets' URIs. `@azure/keyvault-secrets` is loaded on first use.
 */
import { KeyplaneError } from "../errors";
import type { SecretValueReader } from "../aws/secrets";
import { seedFromEnv, seedFromSecret, type LoadedSeed } from "../keys/seed-source";
import { azureCredential, type TokenCredential } from "./credential";

/** `https://<vault>.vault.azure.net/secrets/<name>[/<version>]` (any Azure cloud's vault DNS suffix). */
const SECRET_URI_RE =
  /^https:\/\/([a-z0-9-]{3,24})\.(vault\.[a-z0-9.-]+)\/secrets\/([A-Za-z0-9-]{1,127})(?:\/([0-9a-f]{32}))?\/?$/i;

export interface KeyVaultSecretRef {
  vaultUrl: string;
  name: string;
  version?: string;
}

/** Splits a Key Vault secret identifier; throws CONFIG_INVALID (naming the setting, never a value) when it is not one. */
export function parseSecretUri(uri: string, setting = "secret URI"): KeyVaultSecretRef {
  const m = SECRET_URI_RE.exec(uri.trim());
  if (!m)
    throw new KeyplaneError(
      "CONFIG_INVALID",
      `${setting} is not a Key Vault secret URI (https://<vault>.vault.azure.net/secrets/<name>[/<version>])`,
      { status: 500, expose: false },
    );
  return {
    vaultUrl: `https://${m[1]!.toLowerCase()}.${m[2]!.toLowerCase()}`,
    name: m[3]!,
    ...(m[4] ? { version: m[4] } : {}),
  };
}

/** A `SecretValueReader` over Key Vault: `getSecretString(secretUri)` returns the secret's value. */
export function keyVaultSecretReader(credential?: TokenCredential): SecretValueReader {
  const clients = new Map<string, import("@azure/keyvault-secrets").SecretClient>();
  return {
    async getSecretString(uri: string): Promise<string | undefined> {
      const ref = parseSecretUri(uri);
      let client = clients.get(ref.vaultUrl);
      if (!client) {
        const { SecretClient } = require("@azure/keyvault-secrets") as typeof import("@azure/keyvault-secrets");
        client = new SecretClient(ref.vaultUrl, credential ?? azureCredential());
        clients.set(ref.vaultUrl, client);
      }
      try {
        const s = await client.getSecret(ref.name, ref.version ? { version: ref.version } : {});
        return s.value;
      } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        throw new KeyplaneError(
          "KEY_VAULT_UNAVAILABLE",
          `Key Vault secret ${ref.name} could not be read${status ? ` (HTTP ${status})` : ""}`,
          { status: 503, expose: false, cause: e },
        );
      }
    },
  };
}

/** Setting that holds the key seed secret's URI. */
export const KEY_SEED_SECRET_URI = "KEYPLANE_KEY_SEED_SECRET_URI";
/** Setting that holds the URI of the secret environment (a JSON object of `KEYPLANE_*` settings). */
export const SECRET_ENV_URI = "KEYPLANE_SECRET_ENV_URI";

/** Azure Functions: `KEY_SEED` (tests, local emulation) wins, else the Key Vault secret named by KEYPLANE_KEY_SEED_SECRET_URI. */
export async function azureSeed(env: NodeJS.ProcessEnv = process.env, reader?: SecretValueReader): Promise<LoadedSeed> {
  const fromEnv = seedFromEnv(env);
  if (fromEnv) return fromEnv;
  const uri = env[KEY_SEED_SECRET_URI];
  if (!uri)
    throw new KeyplaneError("KEY_SEED_MISSING", `Set ${KEY_SEED_SECRET_URI} (or KEY_SEED) for the key server`, {
      status: 500,
      expose: false,
    });
  const ref = parseSecretUri(uri, KEY_SEED_SECRET_URI);
  const loaded = await seedFromSecret(uri, reader ?? keyVaultSecretReader());
  return { seed: loaded.seed, source: `keyvault ${ref.vaultUrl}/secrets/${ref.name}` };
}

/**
 * The secret environment: a Key Vault secret whose value is a JSON object of `KEYPLANE_*` string settings, merged over
 * the app settings at cold start. Empty when KEYPLANE_SECRET_ENV_URI is unset. Other keys are refused, so the secret can
 * never redirect the identity or the key seed.
 */
export async function secretEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  reader?: SecretValueReader,
): Promise<Record<string, string>> {
  const uri = env[SECRET_ENV_URI];
  if (!uri) return {};
  parseSecretUri(uri, SECRET_ENV_URI);
  const text = await (reader ?? keyVaultSecretReader()).getSecretString(uri);
  let json: unknown;
  try {
    json = JSON.parse(text ?? "");
  } catch {
    throw new KeyplaneError("CONFIG_INVALID", `The secret named by ${SECRET_ENV_URI} is not a JSON object`, {
      status: 500,
      expose: false,
    });
  }
  if (!json || typeof json !== "object" || Array.isArray(json))
    throw new KeyplaneError("CONFIG_INVALID", `The secret named by ${SECRET_ENV_URI} is not a JSON object`, {
      status: 500,
      expose: false,
    });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(json)) {
    if (
      !/^KEYPLANE_[A-Z0-9_]+$/.test(k) ||
      k === SECRET_ENV_URI ||
      k === KEY_SEED_SECRET_URI ||
      k.startsWith("KEYPLANE_TABLE")
    ) {
      throw new KeyplaneError(
        "CONFIG_INVALID",
        `The secret environment may hold KEYPLANE_* settings only (not ${JSON.stringify(k).slice(0, 64)})`,
        { status: 500, expose: false },
      );
    }
    if (typeof v !== "string")
      throw new KeyplaneError("CONFIG_INVALID", `The secret environment's ${k} must be a string`, {
        status: 500,
        expose: false,
      });
    out[k] = v;
  }
  return out;
}
