/**
 * Vendor credentials are referenced from config and resolved at start-up through a `SecretResolver`:
 * environment variables (`{ env }`), AWS Secrets Manager (`{ secretsManagerArn }`), or an in-memory map (tests).
 * Errors name the reference (variable name or ARN), never the value.
 */
import { secretsManagerReader, type SecretsManagerSend } from "../aws/secrets";
import { decodeCanonicalBase64url } from "../encoding/base64url";
import { KeyplaneError } from "../errors";
import type { SecretRef } from "./config";

export interface SecretResolver {
  /** The secret text the reference points at (after `jsonKey` selection). Throws KeyplaneError SECRET_UNAVAILABLE. */
  resolve(ref: SecretRef): Promise<string>;
}

/** A printable name for a reference, safe to log. */
export function describeSecretRef(ref: SecretRef): string {
  const base = "env" in ref ? `env:${ref.env}` : `secretsmanager:${ref.secretsManagerArn}`;
  return ref.jsonKey ? `${base}#${ref.jsonKey}` : base;
}

export function secretUnavailable(ref: SecretRef, reason: string, cause?: unknown): KeyplaneError {
  return new KeyplaneError("SECRET_UNAVAILABLE", `Credential ${describeSecretRef(ref)} is unavailable: ${reason}`, {
    status: 500,
    expose: false,
    detail: { ref: describeSecretRef(ref), reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Applies `jsonKey` to raw secret text. */
export function selectJsonKey(ref: SecretRef, text: string): string {
  if (!ref.jsonKey) return text;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw secretUnavailable(ref, "secret is not a JSON object");
  }
  const v =
    obj && typeof obj === "object" && !Array.isArray(obj) ? (obj as Record<string, unknown>)[ref.jsonKey] : undefined;
  if (typeof v !== "string" || v === "") throw secretUnavailable(ref, "JSON key missing or not a string");
  return v;
}

/** Resolves `{ env }` references from an environment (default `process.env`); refuses ARNs. */
export function envSecretResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return {
    async resolve(ref) {
      if (!("env" in ref)) throw secretUnavailable(ref, "no Secrets Manager resolver configured");
      const v = env[ref.env];
      if (v === undefined || v === "") throw secretUnavailable(ref, "environment variable is not set");
      return selectJsonKey(ref, v);
    },
  };
}

/** In-memory resolver: keys are `describeSecretRef` names without the `#jsonKey` part (`env:NAME`, `secretsmanager:ARN`) or bare env names. */
export function memorySecretResolver(values: Record<string, string>): SecretResolver {
  return {
    async resolve(ref) {
      const key = "env" in ref ? ref.env : ref.secretsManagerArn;
      const prefixed = "env" in ref ? `env:${ref.env}` : `secretsmanager:${ref.secretsManagerArn}`;
      const v = values[prefixed] ?? values[key];
      if (v === undefined || v === "") throw secretUnavailable(ref, "not present");
      return selectJsonKey(ref, v);
    },
  };
}

/** Resolves `{ secretsManagerArn }` with GetSecretValue (SecretString only); `{ env }` references go to `env`. */
export function awsSecretsManagerResolver(
  opts: { client?: SecretsManagerSend; env?: NodeJS.ProcessEnv } = {},
): SecretResolver {
  const reader = secretsManagerReader(opts.client ? { client: opts.client } : {});
  const envResolver = envSecretResolver(opts.env ?? process.env);
  return {
    async resolve(ref) {
      if ("env" in ref) return envResolver.resolve(ref);
      let text: string | undefined;
      try {
        text = await reader.getSecretString(ref.secretsManagerArn);
      } catch (e) {
        throw secretUnavailable(ref, `GetSecretValue failed (${(e as Error).name})`, e);
      }
      if (text === undefined || text === "") throw secretUnavailable(ref, "secret has no SecretString");
      return selectJsonKey(ref, text);
    },
  };
}

/** The default for runtimes: env for `{ env }`, Secrets Manager (created lazily) for ARNs. */
export function defaultSecretResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return awsSecretsManagerResolver({ env });
}

export type SecretEncoding = "auto" | "base64" | "hex" | "utf8";

const HEX_RE = /^(?:[0-9a-fA-F]{2})+$/;
const B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const B64URL_RE = /^[A-Za-z0-9_-]+$/;

/**
 * Secret text -> key bytes. `auto`: an even run of hex digits of 64 characters is hex (a 32-byte key), anything else
 * must be canonical base64 (or base64url). Non-canonical encodings are refused rather than guessed.
 */
export function decodeSecretBytes(text: string, encoding: SecretEncoding, what: string): Buffer {
  const t = text.trim();
  const fail = (why: string) =>
    new KeyplaneError("SECRET_INVALID", `${what} is not valid ${why}`, { status: 500, expose: false });
  let enc = encoding;
  if (enc === "auto") enc = t.length === 64 && HEX_RE.test(t) ? "hex" : "base64";
  switch (enc) {
    case "hex":
      if (!HEX_RE.test(t)) throw fail("hex");
      return Buffer.from(t, "hex");
    case "utf8":
      if (t.length === 0) throw fail("text");
      return Buffer.from(t, "utf8");
    default: {
      if (B64_RE.test(t) && t.length % 4 === 0) {
        const b = Buffer.from(t, "base64");
        if (b.toString("base64") === t) return b;
      } else if (B64URL_RE.test(t)) {
        const b = decodeCanonicalBase64url(t);
        if (b) return b;
      }
      throw fail("base64");
    }
  }
}
