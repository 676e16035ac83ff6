/**
 * What a GetSecretValue answer means, on the direct path: the secret value of a 2xx JSON body (never echoed in an
 * error: it holds the secret), or an error shaped like the SDK's service exceptions from an AWS JSON 1.1 error answer.
 */

/** GetSecretValue's result as both paths give it (the SDK's output fields we read). */
export interface SecretValue {
  SecretString?: string;
  SecretBinary?: Uint8Array;
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

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The secret value of a 2xx answer: SecretString, SecretBinary (base64 in the JSON body) or neither. */
export function parseSecretValue(res: RawResponse, meta: SecretsManagerError["$metadata"]): SecretValue {
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

/** AWS JSON 1.1 error: the code from `x-amzn-errortype`, else the body's `__type` / `code`, namespace and URI stripped. */
export function serviceError(res: RawResponse, meta: SecretsManagerError["$metadata"]): SecretsManagerError {
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

export function header(headers: RawResponse["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The text a reader returns: SecretString, else (with `binaryAsText`) SecretBinary as UTF-8, else undefined. */
export function secretText(out: SecretValue, binaryAsText: boolean | undefined): string | undefined {
  if (out.SecretString !== undefined) return out.SecretString;
  if (binaryAsText && out.SecretBinary) return Buffer.from(out.SecretBinary).toString("utf8");
  return undefined;
}
