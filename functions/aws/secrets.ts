/**
 * Reading a secret's text from AWS Secrets Manager (GetSecretValue), shared by the key-seed loader, the license
 * proxy's credential resolver and the SPEKE vendor proxy. Two paths, one result:
 *
 * - **Direct** (the Lambda cold-start path): one AWS JSON 1.1 POST (`X-Amz-Target: secretsmanager.GetSecretValue`)
 *   over node:https (node:http for an `http:` endpoint override), signed with SigV4 by `@smithy/signature-v4` (the
 *   signer the SDK itself uses) and `@smithy/hash-node` (node:crypto). Used when no `client` is passed and the
 *   environment holds static credentials and a region the way Lambda sets them: `AWS_ACCESS_KEY_ID` and
 *   `AWS_SECRET_ACCESS_KEY` (plus `AWS_SESSION_TOKEN` when set) and `AWS_REGION`, with neither
 *   `AWS_USE_FIPS_ENDPOINT` nor `AWS_USE_DUALSTACK_ENDPOINT` true. The endpoint is `AWS_ENDPOINT_URL_SECRETS_MANAGER`,
 *   else `AWS_ENDPOINT_URL` (both ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, as in the SDK), else
 *   `https://secretsmanager.<region>.amazonaws.com` (`.amazonaws.com.cn` in China regions); a region outside the
 *   aws, aws-cn and aws-us-gov partitions without an endpoint override takes the SDK path.
 * - **SDK** (`@aws-sdk/client-secrets-manager`, imported on first use): when a `client` is passed (tests, callers with
 *   their own configuration), or when the environment does not qualify for the direct path, e.g. outside Lambda with a
 *   profile, SSO, container or instance credentials (Lambda SnapStart hands credentials through
 *   `AWS_CONTAINER_CREDENTIALS_FULL_URI`, so it takes this path too), or without `AWS_REGION`.
 *
 * The environment is read on every call. Errors keep the SDK's shape so each caller's mapping works on either path:
 * an AWS error body's `__type` (or `x-amzn-errortype`) becomes the error's `name` (`ResourceNotFoundException`,
 * `AccessDeniedException`, `DecryptionFailure`, ...), with the service's message, `$fault` and `$metadata`; a request
 * that takes longer than `timeoutMs` fails with `TimeoutError`; a response body above `maxResponseBytes` with
 * `SecretsManagerResponseTooLarge`. No error message carries the secret value or the response body. Throttling, 5xx
 * answers and connection resets are retried (3 attempts in all, as the SDK's default).
 *
 * Here: the reader and the SDK path; the direct path in secrets-direct.ts (environment, SigV4 request, retries) over
 * secrets-transport.ts (one POST with deadline and size cap); answers and errors in secrets-response.ts.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { directSecretsConfig, getSecretValueDirect } from "./secrets-direct";
import { secretText, type SecretValue } from "./secrets-response";

/** The part of the v3 client we use (tests pass a stub or a client pointed at a loopback endpoint). */
export type SecretsManagerSend = Pick<SecretsManagerClient, "send">;

/** Minimal reader interface, so callers stay testable without AWS. */
export interface SecretValueReader {
  /** The secret's text, or undefined when it has none. */
  getSecretString(secretId: string): Promise<string | undefined>;
}

export interface SecretsManagerReaderOptions {
  /** The SDK client to use (always the SDK path); by default the direct path when the environment allows it (above). */
  client?: SecretsManagerSend;
  /** When the secret has no SecretString, read its SecretBinary as UTF-8 text (default: SecretString only). */
  binaryAsText?: boolean;
  /** Where credentials, region and endpoint are read on each call (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Direct path: time allowed for one attempt, connection to last byte (default 5,000 ms). */
  timeoutMs?: number;
  /** Direct path: largest response body accepted (default 256 KiB; a secret holds at most 64 KiB). */
  maxResponseBytes?: number;
}

export {
  DEFAULT_SECRETS_MAX_RESPONSE_BYTES,
  DEFAULT_SECRETS_TIMEOUT_MS,
} from "./secrets-transport";
export { directSecretsConfig, type DirectSecretsConfig } from "./secrets-direct";
export { SecretsManagerError } from "./secrets-response";

/** A `SecretValueReader` over Secrets Manager: GetSecretValue by ARN (or name), SecretString. */
export function secretsManagerReader(opts: SecretsManagerReaderOptions = {}): SecretValueReader {
  let client = opts.client;
  return {
    async getSecretString(secretId: string) {
      const direct = opts.client ? undefined : directSecretsConfig(opts.env ?? process.env);
      let out: SecretValue;
      if (direct) {
        out = await getSecretValueDirect(direct, secretId, opts);
      } else {
        const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
        client ??= new SecretsManagerClient({});
        out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      }
      return secretText(out, opts.binaryAsText);
    },
  };
}
