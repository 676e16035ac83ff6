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

export const DEFAULT_SECRETS_TIMEOUT_MS = 5_000;
export const DEFAULT_SECRETS_MAX_RESPONSE_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 3;

/** The direct path's settings, or undefined when the SDK must be used (see the module comment). */
export interface DirectSecretsConfig {
  endpoint: URL;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const isTrue = (v: string | undefined) => v?.toLowerCase() === "true";

/** Decides the path for one call: the direct request's settings, or undefined for the SDK client. */
export function directSecretsConfig(env: NodeJS.ProcessEnv): DirectSecretsConfig | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const region = env.AWS_REGION;
  if (!accessKeyId || !secretAccessKey || !region) return undefined;
  if (isTrue(env.AWS_USE_FIPS_ENDPOINT) || isTrue(env.AWS_USE_DUALSTACK_ENDPOINT)) return undefined;
  const override = isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
    ? undefined
    : env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  let endpoint: URL;
  if (override) {
    try {
      endpoint = new URL(override);
    } catch {
      return undefined; // let the SDK report the malformed setting
    }
    if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") return undefined;
  } else if (/^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/.test(region) || /^us-gov-\w+-\d+$/.test(region)) {
    endpoint = new URL(`https://secretsmanager.${region}.amazonaws.com/`);
  } else if (/^cn-\w+-\d+$/.test(region)) {
    endpoint = new URL(`https://secretsmanager.${region}.amazonaws.com.cn/`);
  } else {
    return undefined;
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return { endpoint, region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}

/** A `SecretValueReader` over Secrets Manager: GetSecretValue by ARN (or name), SecretString. */
export function secretsManagerReader(opts: SecretsManagerReaderOptions = {}): SecretValueReader {
  let client = opts.client;
  return {
    async getSecretString(secretId: string) {
      const direct = opts.client ? undefined : directSecretsConfig(opts.env ?? process.env);
      let out: { SecretString?: string; SecretBinary?: Uint8Array };
      if (direct) {
        out = await getSecretValueDirect(direct, secretId, opts);
      } else {
        const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
        client ??= new SecretsManagerClient({});
        out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      }
      if (out.SecretString !== undefined) return out.SecretString;
      if (opts.binaryAsText && out.SecretBinary) return Buffer.from(out.SecretBinary).toString("utf8");
      return undefined;
    },
  };
}

/** An error shaped like the SDK's service exceptions (`name`, `$fault`, `$metadata`), so callers map either path alike. */
export class SecretsManagerError extends Error {
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode?: number; requestId?: string; attempts: number };
  constructor(
    name: string,
    message: string,
    meta: { httpStatusCode?: number; requestId?: string; attempts: number },
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.$fault = meta.httpStatusCode !== undefined && meta.httpStatusCode < 500 ? "client" : "server";
    this.$metadata = meta;
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const RETRYABLE_CODES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "InternalServiceError",
  "InternalFailure",
  "ServiceUnavailable",
]);
const RETRYABLE_SOCKET = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED"]);

async function getSecretValueDirect(
  cfg: DirectSecretsConfig,
  secretId: string,
  opts: SecretsManagerReaderOptions,
): Promise<{ SecretString?: string; SecretBinary?: Uint8Array }> {
  const [{ SignatureV4 }, { Hash }] = await Promise.all([import("@smithy/signature-v4"), import("@smithy/hash-node")]);
  const signer = new SignatureV4({
    service: "secretsmanager",
    region: cfg.region,
    credentials: cfg.credentials,
    sha256: Hash.bind(null, "sha256"),
  });
  const body = JSON.stringify({ SecretId: secretId });
  const path = cfg.endpoint.pathname || "/";
  for (let attempt = 1; ; attempt++) {
    // Signed per attempt (X-Amz-Date is part of the signature), with the headers the SDK signs for this operation.
    const signed = await signer.sign(
      {
        method: "POST",
        protocol: cfg.endpoint.protocol,
        hostname: cfg.endpoint.hostname,
        ...(cfg.endpoint.port ? { port: Number(cfg.endpoint.port) } : {}),
        path,
        query: {},
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "secretsmanager.GetSecretValue",
          "content-length": String(Buffer.byteLength(body)),
          host: cfg.endpoint.host,
        },
        body,
      },
      { signingDate: new Date(Date.now()) },
    );
    let res: RawResponse;
    try {
      res = await send(cfg.endpoint, path, signed.headers, body, opts);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt < MAX_ATTEMPTS && code && RETRYABLE_SOCKET.has(code)) {
        await backoff(attempt);
        continue;
      }
      if (e instanceof SecretsManagerError) {
        (e.$metadata as { attempts: number }).attempts = attempt;
        throw e;
      }
      throw e; // node's own error (ECONNREFUSED, ENOTFOUND, ...), as the SDK's node handler lets it through
    }
    const requestId = header(res.headers, "x-amzn-requestid");
    const meta = { httpStatusCode: res.status, ...(requestId ? { requestId } : {}), attempts: attempt };
    if (res.status >= 200 && res.status < 300) {
      let parsed: { SecretString?: unknown; SecretBinary?: unknown };
      try {
        parsed = JSON.parse(res.body.toString("utf8")) as typeof parsed;
      } catch (e) {
        // Never echo the body: it holds the secret.
        throw new SecretsManagerError(
          "SecretsManagerServiceException",
          "GetSecretValue answered with invalid JSON",
          meta,
          e,
        );
      }
      return {
        ...(typeof parsed.SecretString === "string" ? { SecretString: parsed.SecretString } : {}),
        ...(typeof parsed.SecretBinary === "string"
          ? { SecretBinary: new Uint8Array(Buffer.from(parsed.SecretBinary, "base64")) }
          : {}),
      };
    }
    const err = serviceError(res, meta);
    if (attempt < MAX_ATTEMPTS && (res.status >= 500 || res.status === 429 || RETRYABLE_CODES.has(err.name))) {
      await backoff(attempt);
      continue;
    }
    throw err;
  }
}

/** AWS JSON 1.1 error: the code from `x-amzn-errortype`, else the body's `__type` / `code`, namespace and URI stripped. */
function serviceError(res: RawResponse, meta: SecretsManagerError["$metadata"]): SecretsManagerError {
  let data: { __type?: unknown; code?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    data = JSON.parse(res.body.toString("utf8")) as typeof data;
  } catch {
    // not JSON (a proxy's page): name from the status below
  }
  const raw = header(res.headers, "x-amzn-errortype") ?? data?.code ?? data?.__type;
  const code = typeof raw === "string" ? raw.split(":")[0]!.split("#").pop()! : undefined;
  const msg = typeof data?.message === "string" ? data.message : typeof data?.Message === "string" ? data.Message : "";
  return new SecretsManagerError(
    code || (res.status >= 500 ? "SecretsManagerServiceException" : "UnknownError"),
    (msg || `GetSecretValue failed with HTTP ${res.status}`).slice(0, 512),
    meta,
  );
}

function header(headers: RawResponse["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const backoff = (attempt: number) =>
  new Promise<void>((r) => setTimeout(r, Math.random() * Math.min(20_000, 100 * 2 ** attempt)));

/** One POST over node:https / node:http with an overall deadline and a response size cap. */
async function send(
  endpoint: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
  opts: SecretsManagerReaderOptions,
): Promise<RawResponse> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SECRETS_TIMEOUT_MS;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_SECRETS_MAX_RESPONSE_BYTES;
  const { request } = endpoint.protocol === "http:" ? await import("node:http") : await import("node:https");
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = request(
      {
        method: "POST",
        protocol: endpoint.protocol,
        hostname: endpoint.hostname.replace(/^\[|\]$/g, ""),
        port: endpoint.port || undefined,
        path,
        headers,
      },
      (res) => {
        const declared = Number(res.headers["content-length"]);
        const tooLarge = () =>
          fail(
            new SecretsManagerError(
              "SecretsManagerResponseTooLarge",
              `GetSecretValue response exceeds ${maxBytes} bytes`,
              { httpStatusCode: res.statusCode, attempts: 1 },
            ),
          );
        if (declared > maxBytes) return tooLarge();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return tooLarge();
          chunks.push(c);
        });
        res.on("error", fail);
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    const timer = setTimeout(
      () =>
        fail(
          new SecretsManagerError("TimeoutError", `GetSecretValue did not complete within ${timeoutMs} ms`, {
            attempts: 1,
          }),
        ),
      timeoutMs,
    );
    req.on("error", fail);
    req.end(body);
  });
}
