/**
 * License proxy configuration (validated once at start-up): one entry per vendor name, each naming the vendor kind,
 * the upstream license URL, the restriction that governs viewers, and its credentials BY REFERENCE (an environment
 * variable name or a Secrets Manager ARN, resolved at start-up by a `SecretResolver`). Secrets never sit in config.
 */
import * as z from "../zod";
import { restrictionSchema } from "../policy/model";

const nonEmpty = z.string().check(z.minLength(1));
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const intIn = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

/** Where a credential lives. `jsonKey` picks one field when the secret text is a JSON object. */
export const secretRefSchema = z.union([
  z.strictObject({
    /** Name of the environment variable holding the secret, read at start-up. */
    env: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be an environment variable name")),
    /** When the secret text is a JSON object: the field holding the secret. Absent: the whole text. */
    jsonKey: z.optional(nonEmpty),
  }),
  z.strictObject({
    /** ARN of the Secrets Manager secret holding it, read at start-up. */
    secretsManagerArn: z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
          "must be a Secrets Manager secret ARN",
        ),
      ),
    /** When the secret text is a JSON object: the field holding the secret. Absent: the whole text. */
    jsonKey: z.optional(nonEmpty),
  }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const LOOPBACK_HTTP_RE = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** https only, except plain http on loopback (the local lab and tests). */
export function isAllowedUpstreamUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK_HTTP_RE.test(url));
}

const upstreamUrl = z
  .string()
  .check(z.refine(isAllowedUpstreamUrl, "upstream URL must be https (plain http only on loopback) without userinfo"));

/** Request headers a proxy must never pass through from the player (hop-by-hop, identity, or the credentials it injects). */
export const NEVER_FORWARDED_HEADERS = new Set([
  "authorization",
  "cookie",
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "upgrade",
  "proxy-authorization",
  "proxy-connection",
  "trailer",
  "expect",
  "x-axdrm-message",
  "x-dt-auth-token",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
  "origin",
  "referer",
]);

const headerName = z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, "must be an HTTP header name"));
const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const kidText = z.string().check(z.regex(GUID_RE, "KIDs are UUIDs"));

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_CHALLENGE_BYTES = 64 * 1024;
export const MAX_MAX_CHALLENGE_BYTES = 1024 * 1024;

const commonVendorFields = {
  /** The vendor's license acquisition URL (required): https, plain http only on loopback; no userinfo. */
  upstreamUrl,
  /** Deadline for the whole upstream exchange (connect, send, answer) in ms, 100–60000; default 5000. Past it: 504. */
  timeoutMs: z._default(intIn(100, 60_000), DEFAULT_UPSTREAM_TIMEOUT_MS),
  /** The restriction every viewer must satisfy (required): `Open` or a `Token` restriction, same model as policies. */
  restriction: restrictionSchema,
  /**
   * KIDs the policy governs (UUIDs). With a token that names KIDs, the viewer gets the intersection; with a token that
   * names none (or an open restriction), the viewer gets all of these. At most 256; default: none.
   */
  kids: z.optional(z.array(kidText).check(z.maxLength(256))),
  /**
   * Player request headers passed to the vendor (allow-list, case-insensitive; at most 32). Default `["content-type"]`;
   * `authorization`, `cookie`, hop-by-hop and the vendor credential headers can never be added.
   */
  forwardHeaders: z._default(z.array(headerName).check(z.maxLength(32)), ["content-type"]),
  /** Largest license challenge accepted from a player (bytes, at most 1 MiB; default 65536). */
  maxChallengeBytes: z._default(intIn(1, MAX_MAX_CHALLENGE_BYTES), DEFAULT_MAX_CHALLENGE_BYTES),
};

/** Axinom DRM: `X-AxDRM-Message`, an HS256 JWT signed with the communication key's bytes. */
export const axinomVendorSchema = z.strictObject({
  /** `axinom`: Axinom DRM, an entitlement message signed with the communication key. */
  kind: z.literal("axinom"),
  ...commonVendorFields,
  /** Communication Key ID (a UUID, from the Axinom DRM configuration). Not a secret. */
  comKeyId: z.string().check(z.regex(GUID_RE, "must be a GUID")),
  /** The communication key, a secret reference (must decode to 32 bytes; Axinom shows it as base64). */
  comKey: secretRefSchema,
  /** How the communication key text is encoded: `auto` (default; 64 hex digits: hex, else base64), `base64`, `hex`. */
  comKeyEncoding: z._default(z.enum(["auto", "base64", "hex"]), "auto"),
  /** Lifetime of each entitlement message (`expiration_date` - now): 5–3600 s, default 60 (Axinom advises short). */
  messageTtlSeconds: z._default(intIn(5, 3600), 60),
  /** Copied into `message.license` (Entitlement Message v2 license configuration), e.g. `{ "duration": 3600 }`. */
  license: z.optional(z.record(z.string(), z.unknown())),
});

/** castLabs DRMtoday: an upfront authorization token (JWT with `optData` and `crt`) in `x-dt-auth-token`. */
export const drmtodayVendorSchema = z.strictObject({
  /** `drmtoday`: castLabs DRMtoday, an upfront authorization token signed with the shared secret. */
  kind: z.literal("drmtoday"),
  ...commonVendorFields,
  /** The DRMtoday merchant (organization API name), written into `optData.merchant`. */
  merchant: text(256),
  /** The shared secret, a secret reference (the DRMtoday dashboard shows it as a hex string). */
  sharedSecret: secretRefSchema,
  /** Encoding of the shared secret text: `hex` (default, as DRMtoday's dashboard shows it), `base64` or `utf8`. */
  sharedSecretEncoding: z._default(z.enum(["hex", "base64", "utf8"]), "hex"),
  /** The shared secret's id in DRMtoday, sent as the JWT header `kid`. */
  sharedSecretId: text(256),
  /** JWT algorithm: `HS256` (default, recommended), `HS384` or `HS512`, all accepted by DRMtoday. */
  alg: z._default(z.enum(["HS256", "HS384", "HS512"]), "HS256"),
  /** Customer Rights Token template(s), 1–16, sent as the `crt` claim (a JSON string of this array). */
  crt: z.array(z.record(z.string(), z.unknown())).check(z.minLength(1), z.maxLength(16)),
  /** When set, the verified viewer token's claim of this name becomes `assetId` of every CRT entry. */
  assetIdClaim: z.optional(text(256)),
  /** Lifetime of each upfront token (`exp` - `iat`), 5–3600 s; default 60. */
  tokenTtlSeconds: z._default(intIn(5, 3600), 60),
});

/** Generic header injection (EZDRM, BuyDRM KeyOS, ...): fixed credential headers added to the upstream request. */
export const headersVendorSchema = z.strictObject({
  /** `headers`: fixed credential headers added to the upstream request (EZDRM, BuyDRM KeyOS, ...). */
  kind: z.literal("headers"),
  ...commonVendorFields,
  /**
   * Header name -> secret reference, 1–16 headers; not `host`, `content-length`, `content-type`, `transfer-encoding`,
   * `connection`, nor a forwarded header.
   */
  headers: z
    .record(headerName, secretRefSchema)
    .check(
      z.refine((h) => Object.keys(h).length > 0 && Object.keys(h).length <= 16, "between 1 and 16 credential headers"),
    ),
});

export const vendorConfigSchema = z
  .discriminatedUnion("kind", [axinomVendorSchema, drmtodayVendorSchema, headersVendorSchema])
  .check(
    z.superRefine((v, ctx) => {
      v.forwardHeaders.forEach((h, i) => {
        if (NEVER_FORWARDED_HEADERS.has(h.toLowerCase()))
          ctx.addIssue({ code: "custom", path: ["forwardHeaders", i], message: `header ${h} is never forwarded` });
      });
      if (v.kind === "headers") {
        for (const h of Object.keys(v.headers)) {
          if (v.forwardHeaders.some((f) => f.toLowerCase() === h.toLowerCase()))
            ctx.addIssue({
              code: "custom",
              path: ["headers", h],
              message: `credential header ${h} cannot also be forwarded from the player`,
            });
          if (["host", "content-length", "content-type", "transfer-encoding", "connection"].includes(h.toLowerCase()))
            ctx.addIssue({ code: "custom", path: ["headers", h], message: `${h} cannot carry a credential` });
        }
      }
    }),
  );
export type VendorConfig = z.infer<typeof vendorConfigSchema>;
export type AxinomVendorConfig = z.infer<typeof axinomVendorSchema>;
export type DrmtodayVendorConfig = z.infer<typeof drmtodayVendorSchema>;
export type HeadersVendorConfig = z.infer<typeof headersVendorSchema>;

const vendorName = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "vendor names use lowercase letters, digits and -"));

export const licenseConfigSchema = z.strictObject({
  /** Vendor name (the `:vendor` of `POST /license/:vendor`) -> its configuration. */
  vendors: z._default(z.record(vendorName, vendorConfigSchema), {}),
  /** CORS for the license routes (browser players). Absent: no CORS headers. */
  cors: z.optional(
    z.strictObject({
      /** Browser origins allowed (exact `scheme://host[:port]`, or `*` alone); at least one. */
      allowOrigins: z.array(z.string()).check(z.minLength(1)),
      /** Request headers a browser may send besides `Authorization` and `Content-Type` (always allowed). */
      allowHeaders: z.optional(z.array(z.string())),
      /** How long a browser may cache a preflight answer (seconds, 0 or more; capped at 86400). Default 600. */
      maxAgeSeconds: z.optional(z.number().check(z.int(), z.minimum(0))),
    }),
  ),
});

export type LicenseConfig = z.infer<typeof licenseConfigSchema>;
export type LicenseConfigInput = z.input<typeof licenseConfigSchema>;
