/**
 * Key-delivery configuration: where the policies come from, how /token signs, token lifetimes, clock skew, the policy
 * cache TTL, CORS origins, the entitlement rules file and the replay counter. Loaded from a JSON file
 * (`KEYPLANE_DELIVERY_CONFIG`) and/or environment variables (Lambda); errors name the bad path.
 *
 * With `lab: true` (set by the local lab only) and no policy file or policy env var, the delivery runs in LAB mode
 * (see lab.ts); without `lab`, a missing policy source is refused at start-up.
 */
import { readFileSync } from "node:fs";
import * as z from "../zod";
import { KeyplaneError } from "../errors";
import { formatIssues } from "../validation";
import { DEFAULT_MEMORY_USE_COUNTER_ENTRIES } from "../tokens/counter";
import { MAX_CLOCK_SKEW_SECONDS } from "../tokens/claims";
import { DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS, MAX_VERIFIED_TOKEN_CACHE_SECONDS } from "../tokens/verified-cache";

const signingKeySchema = z.discriminatedUnion("alg", [
  z.object({
    alg: z.literal("HS256"),
    keyBase64: z.string().check(
      z.regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
      z.refine<string>((s) => Buffer.from(s, "base64").length >= 32, "HS256 keys must be at least 32 bytes"),
    ),
    kid: z.optional(z.string().check(z.maxLength(256))),
  }),
  z.object({
    alg: z.enum(["RS256", "ES256"]),
    privateKeyPem: z
      .string()
      .check(z.includes("-----BEGIN PRIVATE KEY-----", { message: "must be a PKCS#8 PEM private key" })),
    kid: z.optional(z.string().check(z.maxLength(256))),
  }),
]);

export const DEFAULT_POLICY_ENV = "KEYPLANE_DELIVERY_POLICIES";

const nonEmpty = z.string().check(z.minLength(1));
const intIn = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));
const positiveInt = z.number().check(z.int(), z.positive());

export const deliveryConfigSchema = z
  .object({
    /** Path to a JSON file with `{ policies, bindings, defaultPolicy }` (re-read after policyCacheTtlSeconds). */
    policyFile: z.optional(nonEmpty),
    /** Name of an env var holding the same JSON inline (Lambda). Used when policyFile is absent. */
    policyEnv: z._default(nonEmpty, DEFAULT_POLICY_ENV),
    /** How long loaded policies (and imported keys) are reused before the source is read again. */
    policyCacheTtlSeconds: z._default(intIn(0, 86400), 60),
    tokenIssuer: z._default(
      z.object({
        issuer: z._default(nonEmpty, "keyplane-lab"),
        audience: z._default(nonEmpty, "keyplane-lab-player"),
        /** Absent: lab mode uses the HKDF lab key; otherwise /token is disabled. */
        signingKey: z.optional(signingKeySchema),
      }),
      { issuer: "keyplane-lab", audience: "keyplane-lab-player" },
    ),
    /** Default lifetime of tokens from /token. */
    tokenLifetimeSeconds: z._default(positiveInt, 3600),
    /**
     * Longest lifetime a /token caller or rule may ask for. (Verification caps tokens by their policy's token
     * restriction, `maxTokenLifetimeSeconds` there, default also 24 h: exp - nbf/iat, and exp - now + clock skew.)
     */
    maxTokenLifetimeSeconds: z._default(z.number().check(z.int(), z.positive(), z.maximum(31 * 24 * 3600)), 86400),
    /** Clock skew allowed when checking exp/nbf/iat and the exp - now lifetime cap; at most 120 s. */
    clockSkewSeconds: z._default(intIn(0, MAX_CLOCK_SKEW_SECONDS), 60),
    /**
     * How long a token whose signature verified is remembered so a player's next key request with the same token skips
     * the signature check (exp, nbf, iat, the lifetime cap, KID binding and maxuses are still checked every time).
     * 0 turns it off.
     */
    verifiedTokenCacheSeconds: z._default(
      intIn(0, MAX_VERIFIED_TOKEN_CACHE_SECONDS),
      DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS,
    ),
    cors: z._default(z.object({ allowOrigins: z._default(z.array(nonEmpty), []) }), { allowOrigins: [] }),
    /** JSON entitlement rules for /token (see delivery/entitlements.ts). Absent: lab rules in lab mode, deny-all otherwise. */
    entitlementsFile: z.optional(nonEmpty),
    /**
     * The maxuses replay counter. `memory` (one process: the lab, a single container) holds at most `maxEntries` live
     * tokens, about 210 bytes of heap each (~21 MB for the default 100,000; see tokens/counter.ts). It never forgets a
     * token before it expires: when full of live tokens it refuses new maxuses tokens with 503 USE_COUNTER_FULL until
     * some expire (tokens without maxuses are unaffected). Size it above the maxuses tokens live at once. `dynamodb`
     * is shared by every instance and unbounded (DynamoDB TTL removes expired items).
     */
    useCounter: z._default(
      z.discriminatedUnion("type", [
        z.object({
          type: z.literal("memory"),
          maxEntries: z._default(positiveInt, DEFAULT_MEMORY_USE_COUNTER_ENTRIES),
        }),
        z.object({ type: z.literal("dynamodb"), tableName: nonEmpty }),
      ]),
      { type: "memory", maxEntries: DEFAULT_MEMORY_USE_COUNTER_ENTRIES },
    ),
    /**
     * LAB ONLY. With no policy source, serve the seed-derived lab policy (lab.ts) and lab entitlements. Set by
     * the local lab (`npm start`); everywhere else a missing policy source is a start-up error (fail closed).
     */
    lab: z._default(z.boolean(), false),
    /** Largest /clearkey body accepted (bytes). */
    maxLicenseRequestBytes: z._default(z.number().check(z.int(), z.positive(), z.maximum(1024 * 1024)), 64 * 1024),
  })
  .check(
    z.superRefine((c, ctx) => {
      if (c.tokenLifetimeSeconds > c.maxTokenLifetimeSeconds) {
        ctx.addIssue({
          code: "custom",
          path: ["tokenLifetimeSeconds"],
          message: "must not exceed maxTokenLifetimeSeconds",
        });
      }
    }),
  );
export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
export type DeliveryConfigInput = z.input<typeof deliveryConfigSchema>;

function configError(message: string): KeyplaneError {
  return new KeyplaneError("DELIVERY_CONFIG_INVALID", message, { status: 500, expose: false });
}

/** Validates a config object; `source` names where it came from in the error. */
export function parseDeliveryConfig(input: unknown, source = "delivery config"): DeliveryConfig {
  const r = deliveryConfigSchema.safeParse(input);
  if (!r.success) throw configError(`Invalid ${source}: ${formatIssues(r.error)}`);
  return r.data;
}

export interface LoadDeliveryConfigOptions {
  /** Environment (default process.env). */
  env?: Record<string, string | undefined>;
  /** JSON config file; default env KEYPLANE_DELIVERY_CONFIG. */
  file?: string;
  /** Applied last (tests, the integrator). */
  overrides?: DeliveryConfigInput;
}

function intEnv(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  if (!/^\d+$/.test(v)) throw configError(`Invalid environment: ${name} must be a whole number`);
  return Number(v);
}

/**
 * Builds the config from (lowest to highest precedence) a JSON file, environment variables and overrides.
 * Environment knobs: KEYPLANE_DELIVERY_CONFIG, KEYPLANE_POLICY_FILE, KEYPLANE_POLICY_ENV, KEYPLANE_ENTITLEMENTS_FILE,
 * KEYPLANE_TOKEN_ISSUER, KEYPLANE_TOKEN_AUDIENCE, KEYPLANE_TOKEN_SIGNING_KEY (JSON signing key), KEYPLANE_TOKEN_LIFETIME_SECONDS,
 * KEYPLANE_TOKEN_MAX_LIFETIME_SECONDS, KEYPLANE_CLOCK_SKEW_SECONDS, KEYPLANE_POLICY_CACHE_TTL_SECONDS,
 * KEYPLANE_CORS_ORIGINS (comma separated), KEYPLANE_USE_COUNTER_TABLE (DynamoDB table name).
 */
export function loadDeliveryConfig(opts: LoadDeliveryConfigOptions = {}): DeliveryConfig {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.KEYPLANE_DELIVERY_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw configError(`Cannot read delivery config ${file}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      fromFile = parsed as Record<string, unknown>;
    } catch (e) {
      throw configError(`Invalid delivery config ${file}: not a JSON object (${(e as Error).message})`);
    }
  }
  const merged: Record<string, unknown> = { ...fromFile };
  const setIf = (k: string, v: unknown) => {
    if (v !== undefined && v !== "") merged[k] = v;
  };
  setIf("policyFile", env.KEYPLANE_POLICY_FILE);
  setIf("policyEnv", env.KEYPLANE_POLICY_ENV);
  setIf("entitlementsFile", env.KEYPLANE_ENTITLEMENTS_FILE);
  setIf("tokenLifetimeSeconds", intEnv(env, "KEYPLANE_TOKEN_LIFETIME_SECONDS"));
  setIf("maxTokenLifetimeSeconds", intEnv(env, "KEYPLANE_TOKEN_MAX_LIFETIME_SECONDS"));
  setIf("clockSkewSeconds", intEnv(env, "KEYPLANE_CLOCK_SKEW_SECONDS"));
  setIf("verifiedTokenCacheSeconds", intEnv(env, "KEYPLANE_VERIFIED_TOKEN_CACHE_SECONDS"));
  setIf("policyCacheTtlSeconds", intEnv(env, "KEYPLANE_POLICY_CACHE_TTL_SECONDS"));
  if (env.KEYPLANE_CORS_ORIGINS)
    merged.cors = {
      allowOrigins: env.KEYPLANE_CORS_ORIGINS.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    };
  if (env.KEYPLANE_USE_COUNTER_TABLE)
    merged.useCounter = { type: "dynamodb", tableName: env.KEYPLANE_USE_COUNTER_TABLE };
  const issuer = { ...((fromFile.tokenIssuer as Record<string, unknown> | undefined) ?? {}) };
  if (env.KEYPLANE_TOKEN_ISSUER) issuer.issuer = env.KEYPLANE_TOKEN_ISSUER;
  if (env.KEYPLANE_TOKEN_AUDIENCE) issuer.audience = env.KEYPLANE_TOKEN_AUDIENCE;
  if (env.KEYPLANE_TOKEN_SIGNING_KEY) {
    try {
      issuer.signingKey = JSON.parse(env.KEYPLANE_TOKEN_SIGNING_KEY);
    } catch {
      throw configError(
        'Invalid environment: KEYPLANE_TOKEN_SIGNING_KEY must be JSON like {"alg":"HS256","keyBase64":"..."}',
      );
    }
  }
  if (Object.keys(issuer).length) merged.tokenIssuer = issuer;
  Object.assign(merged, opts.overrides ?? {});
  return parseDeliveryConfig(
    merged,
    file ? `delivery config (${file} + environment)` : "delivery config (environment)",
  );
}

/** True when no policy source is configured. */
export function hasNoPolicySource(
  config: DeliveryConfig,
  env: Record<string, string | undefined> = process.env,
): boolean {
  return !config.policyFile && !env[config.policyEnv];
}

/** True when the LAB policy and lab entitlements apply: lab explicitly enabled and no policy source configured. */
export function isLabMode(config: DeliveryConfig, env: Record<string, string | undefined> = process.env): boolean {
  return config.lab && hasNoPolicySource(config, env);
}
