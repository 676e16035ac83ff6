/**
 * Key-delivery configuration (the `delivery` section of the Keyplane configuration, functions/config.ts): where the
 * policies come from, how /token signs, token lifetimes, clock skew, the policy cache TTL, CORS origins, the
 * entitlement rules (a file or inline) and the replay counter. Its environment overrides (`KEYPLANE_DELIVERY_*`) are
 * rows of the one table in functions/config-env.ts; errors name the bad path.
 *
 * With `lab: true` (set by the local lab only) and no policy file or policy env var, the delivery runs in LAB mode
 * (see lab.ts); without `lab`, a missing policy source is refused at start-up.
 */
import * as z from "../zod";
import { azureTableStoreSchema } from "../azure/table-config";
import { parseConfigValue } from "../config-source";
import { DEFAULT_MEMORY_USE_COUNTER_ENTRIES } from "../tokens/counter";
import { MAX_CLOCK_SKEW_SECONDS } from "../tokens/claims";
import { DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS, MAX_VERIFIED_TOKEN_CACHE_SECONDS } from "../tokens/verified-cache";
import { entitlementRulesSchema } from "./entitlements";

const signingKeySchema = z.discriminatedUnion("alg", [
  z.strictObject({
    /** `HS256`: tokens are signed with an HMAC key (the one SWT tokens can use). */
    alg: z.literal("HS256"),
    /** The HMAC key, base64; at least 32 bytes. */
    keyBase64: z.string().check(
      z.regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
      z.refine<string>((s) => Buffer.from(s, "base64").length >= 32, "HS256 keys must be at least 32 bytes"),
    ),
    /** Written as the JWT header `kid` of issued tokens (at most 256 characters). Default: none. */
    kid: z.optional(z.string().check(z.maxLength(256))),
  }),
  z.strictObject({
    /** `RS256` (RSA) or `ES256` (ECDSA P-256): tokens are signed with a private key. */
    alg: z.enum(["RS256", "ES256"]),
    /** The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
    privateKeyPem: z
      .string()
      .check(z.includes("-----BEGIN PRIVATE KEY-----", { message: "must be a PKCS#8 PEM private key" })),
    /** Written as the JWT header `kid` of issued tokens (at most 256 characters). Default: none. */
    kid: z.optional(z.string().check(z.maxLength(256))),
  }),
]);

export const DEFAULT_POLICY_ENV = "KEYPLANE_DELIVERY_POLICIES";

const nonEmpty = z.string().check(z.minLength(1));
const intIn = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));
const positiveInt = z.number().check(z.int(), z.positive());

export const deliveryConfigSchema = z
  .strictObject({
    /** Path to a JSON file with `{ policies, bindings, defaultPolicy }` (re-read after policyCacheTtlSeconds). */
    policyFile: z.optional(nonEmpty),
    /** Name of an env var holding the same JSON inline (Lambda). Used when policyFile is absent. */
    policyEnv: z._default(nonEmpty, DEFAULT_POLICY_ENV),
    /** How long loaded policies (and imported keys) are reused before the source is re-read (0–86400; default 60). */
    policyCacheTtlSeconds: z._default(intIn(0, 86400), 60),
    /** How /token signs: the `iss` and `aud` it writes and its signing key. */
    tokenIssuer: z._default(
      z.strictObject({
        /** `iss` of tokens from /token. Default `keyplane-lab`. */
        issuer: z._default(nonEmpty, "keyplane-lab"),
        /** `aud` of tokens from /token. Default `keyplane-lab-player`. */
        audience: z._default(nonEmpty, "keyplane-lab-player"),
        /**
         * `{ alg: "HS256", keyBase64 }` or `{ alg: "RS256" | "ES256", privateKeyPem }`, optional `kid`. Absent: lab
         * mode uses the HKDF lab key; otherwise /token is disabled.
         */
        signingKey: z.optional(signingKeySchema),
      }),
      { issuer: "keyplane-lab", audience: "keyplane-lab-player" },
    ),
    /** Default lifetime of tokens from /token (seconds; default 3600; at most maxTokenLifetimeSeconds). */
    tokenLifetimeSeconds: z._default(positiveInt, 3600),
    /**
     * Longest lifetime a /token caller or rule may ask for (default 86400, at most 31 days). (Verification caps tokens
     * by their policy's token restriction, `maxTokenLifetimeSeconds` there, default also 24 h: exp - nbf/iat, and exp -
     * now + clock skew.)
     */
    maxTokenLifetimeSeconds: z._default(z.number().check(z.int(), z.positive(), z.maximum(31 * 24 * 3600)), 86400),
    /** Clock skew allowed when checking exp/nbf/iat and the exp - now lifetime cap (0–120 s; default 60). */
    clockSkewSeconds: z._default(intIn(0, MAX_CLOCK_SKEW_SECONDS), 60),
    /**
     * How long a token whose signature verified is remembered so a player's next key request with the same token skips
     * the signature check (exp, nbf, iat, the lifetime cap, KID binding and maxuses are still checked every time).
     * 0 turns it off (0–300; default 60).
     */
    verifiedTokenCacheSeconds: z._default(
      intIn(0, MAX_VERIFIED_TOKEN_CACHE_SECONDS),
      DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS,
    ),
    /** CORS for /token, /clearkey and /hls/key (browser players). */
    cors: z._default(
      z.strictObject({
        /** Browser origins allowed to call them (exact `scheme://host[:port]`, or `*` alone). Default `[]`: no CORS. */
        allowOrigins: z._default(z.array(nonEmpty), []),
      }),
      { allowOrigins: [] },
    ),
    /**
     * JSON entitlement rules for /token (see delivery/entitlements.ts), from a file or inline (`entitlements`; not
     * both). Absent: lab rules in lab mode, deny-all otherwise.
     */
    entitlementsFile: z.optional(nonEmpty),
    /** The entitlement rules for /token inline (`{ auth, rules }`, as in a rules file); not with entitlementsFile. */
    entitlements: z.optional(entitlementRulesSchema),
    /**
     * The maxuses replay counter. `memory` (one process: the lab, a single container) holds at most `maxEntries` live
     * tokens, about 210 bytes of heap each (~21 MB for the default 100,000; see tokens/counter.ts). It never forgets a
     * token before it expires: when full of live tokens it refuses new maxuses tokens with 503 USE_COUNTER_FULL until
     * some expire (tokens without maxuses are unaffected). Size it above the maxuses tokens live at once. `dynamodb`
     * is shared by every instance and unbounded (DynamoDB TTL removes expired items); `azureTable` likewise on Azure
     * (conditional writes; built by the Azure apps and createApp, not by the Lambda entry).
     */
    useCounter: z._default(
      z.discriminatedUnion("type", [
        z.strictObject({
          /** `memory`: counted in this process only (the lab, a single container). The default. */
          type: z.literal("memory"),
          /** Most live maxuses tokens held (default 100,000, about 21 MB); when full, new maxuses tokens get 503. */
          maxEntries: z._default(positiveInt, DEFAULT_MEMORY_USE_COUNTER_ENTRIES),
        }),
        z.strictObject({
          /** `dynamodb`: one DynamoDB table shared by every instance (hash key `pk`, TTL attribute `expiresAt`). */
          type: z.literal("dynamodb"),
          /** The replay counter's DynamoDB table (KeyDeliveryApi creates it). */
          tableName: nonEmpty,
        }),
        azureTableStoreSchema,
      ]),
      { type: "memory", maxEntries: DEFAULT_MEMORY_USE_COUNTER_ENTRIES },
    ),
    /**
     * LAB ONLY. With no policy source, serve the seed-derived lab policy (lab.ts) and lab entitlements. Set by
     * the local lab (`npm start`); everywhere else a missing policy source is a start-up error (fail closed).
     */
    lab: z._default(z.boolean(), false),
    /** Largest /clearkey body accepted (bytes; at most 1 MiB; default 65536). */
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
      if (c.entitlements && c.entitlementsFile) {
        ctx.addIssue({
          code: "custom",
          path: ["entitlements"],
          message: "give the entitlement rules inline (entitlements) or as a file (entitlementsFile), not both",
        });
      }
    }),
  );
export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
export type DeliveryConfigInput = z.input<typeof deliveryConfigSchema>;

/** Validates a `delivery` section on its own (tests, programs that build one); `source` names it in the error. */
export function parseDeliveryConfig(input: unknown, source = "delivery config"): DeliveryConfig {
  return parseConfigValue(deliveryConfigSchema, input, [], { origin: source, applied: [] });
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
