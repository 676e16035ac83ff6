/**
 * The direct path to GetSecretValue (the Lambda cold-start path, see secrets.ts): when the environment qualifies, and
 * the SigV4-signed AWS JSON 1.1 request (`@smithy/signature-v4`, `@smithy/hash-node`, loaded on first use) with the
 * SDK's retries (3 attempts in all: throttling, 5xx answers, connection resets).
 */
import {
  header,
  parseSecretValue,
  SecretsManagerError,
  serviceError,
  type RawResponse,
  type SecretValue,
} from "./secrets-response";
import { send, type SendLimits } from "./secrets-transport";

const MAX_ATTEMPTS = 3;

/** The direct path's settings, or undefined when the SDK must be used (see secrets.ts). */
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

const RETRYABLE_CODES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "InternalServiceError",
  "InternalFailure",
  "ServiceUnavailable",
]);
const RETRYABLE_SOCKET = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED"]);

export async function getSecretValueDirect(
  cfg: DirectSecretsConfig,
  secretId: string,
  opts: SendLimits,
): Promise<SecretValue> {
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
      return parseSecretValue(res, meta);
    }
    const err = serviceError(res, meta);
    if (attempt < MAX_ATTEMPTS && (res.status >= 500 || res.status === 429 || RETRYABLE_CODES.has(err.name))) {
      await backoff(attempt);
      continue;
    }
    throw err;
  }
}

const backoff = (attempt: number) =>
  new Promise<void>((r) => setTimeout(r, Math.random() * Math.min(20_000, 100 * 2 ** attempt)));
