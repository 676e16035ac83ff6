/**
 * Reading a secret's text from AWS Secrets Manager (SDK v3 GetSecretValue), shared by the key-seed loader, the license
 * proxy's credential resolver and the SPEKE vendor proxy. The SDK is loaded on first use, so local runs that never
 * touch Secrets Manager never import it. Errors from the SDK propagate unchanged: each caller maps them to its own
 * code, naming the ARN, never the value.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** The part of the v3 client we use (tests pass a stub or a client pointed at a loopback endpoint). */
export type SecretsManagerSend = Pick<SecretsManagerClient, "send">;

/** Minimal reader interface, so callers stay testable without AWS. */
export interface SecretValueReader {
  /** The secret's text, or undefined when it has none. */
  getSecretString(secretId: string): Promise<string | undefined>;
}

export interface SecretsManagerReaderOptions {
  /** The client to use; by default one `new SecretsManagerClient({})`, created on first use and reused. */
  client?: SecretsManagerSend;
  /** When the secret has no SecretString, read its SecretBinary as UTF-8 text (default: SecretString only). */
  binaryAsText?: boolean;
}

/** A `SecretValueReader` over Secrets Manager: GetSecretValue by ARN (or name), SecretString. */
export function secretsManagerReader(opts: SecretsManagerReaderOptions = {}): SecretValueReader {
  let client = opts.client;
  return {
    async getSecretString(secretId: string) {
      const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
      client ??= new SecretsManagerClient({});
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (out.SecretString !== undefined) return out.SecretString;
      if (opts.binaryAsText && out.SecretBinary) return Buffer.from(out.SecretBinary).toString("utf8");
      return undefined;
    },
  };
}
