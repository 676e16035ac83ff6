/**
 * The direct path's transport: one POST over node:https (node:http for an `http:` endpoint override) with an overall
 * deadline (`TimeoutError`) and a response size cap (`SecretsManagerResponseTooLarge`).
 */
import { SecretsManagerError, type RawResponse } from "./secrets-response";

export const DEFAULT_SECRETS_TIMEOUT_MS = 5_000;
export const DEFAULT_SECRETS_MAX_RESPONSE_BYTES = 256 * 1024;

/** The limits of one request (`SecretsManagerReaderOptions.timeoutMs`, `maxResponseBytes`). */
export interface SendLimits {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** One POST over node:https / node:http with an overall deadline and a response size cap. */
export async function send(
  endpoint: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
  opts: SendLimits,
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
