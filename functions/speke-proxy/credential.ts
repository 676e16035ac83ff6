/**
 * Loads the vendor credential at run time: env `VENDOR_CREDENTIAL` (tests, local lab) wins over Secrets Manager
 * `VENDOR_CREDENTIAL_SECRET_ARN`. Cached for `ttlMs` so a rotated secret is picked up without a redeploy.
 */
import { secretsManagerReader, type SecretsManagerSend } from "../aws/secrets";
import { KeyplaneError } from "../errors";
import { parseVendorCredential, type VendorCredential } from "./presets";

export const VENDOR_CREDENTIAL_ENV = "VENDOR_CREDENTIAL";
export const VENDOR_CREDENTIAL_SECRET_ARN_ENV = "VENDOR_CREDENTIAL_SECRET_ARN";
export const DEFAULT_CREDENTIAL_TTL_MS = 5 * 60 * 1000;

export interface CredentialLoaderOptions {
  env?: Record<string, string | undefined>;
  client?: SecretsManagerSend;
  ttlMs?: number;
  now?: () => number;
}

export function vendorCredentialLoader(opts: CredentialLoaderOptions = {}): () => Promise<VendorCredential> {
  const env = opts.env ?? process.env;
  const ttl = opts.ttlMs ?? DEFAULT_CREDENTIAL_TTL_MS;
  const now = opts.now ?? Date.now;
  let cached: { at: number; value: Promise<VendorCredential> } | undefined;
  // One reader (and so one SDK client) for the loader's lifetime; SecretBinary is accepted as UTF-8 text.
  const reader = secretsManagerReader({ ...(opts.client ? { client: opts.client } : {}), binaryAsText: true });

  const load = async (): Promise<VendorCredential> => {
    const inline = env[VENDOR_CREDENTIAL_ENV];
    if (inline) return parseVendorCredential(inline);
    const arn = env[VENDOR_CREDENTIAL_SECRET_ARN_ENV];
    if (!arn)
      throw new KeyplaneError(
        "VENDOR_CREDENTIAL_MISSING",
        `Set ${VENDOR_CREDENTIAL_SECRET_ARN_ENV} (or ${VENDOR_CREDENTIAL_ENV} locally)`,
        { status: 500, expose: false },
      );
    const text = await reader.getSecretString(arn);
    if (!text)
      throw new KeyplaneError("VENDOR_CREDENTIAL_MISSING", "The vendor credential secret has no value", {
        status: 500,
        expose: false,
      });
    return parseVendorCredential(text);
  };

  return () => {
    const t = now();
    if (!cached || t - cached.at > ttl) {
      const value = load();
      cached = { at: t, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}
