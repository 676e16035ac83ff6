/**
 * License proxy configuration (validated once at start-up): one entry per vendor name, each naming the vendor kind,
 * the upstream license URL, the restriction that governs viewers, and its credentials BY REFERENCE (an environment
 * variable name or a Secrets Manager ARN, resolved at start-up by a `SecretResolver`). Secrets never sit in config.
 */
import { z } from "zod";
import { restrictionSchema } from "../policy/model";

/** Where a credential lives. `jsonKey` picks one field when the secret text is a JSON object. */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be an environment variable name"), jsonKey: z.string().min(1).optional() }).strict(),
  z.object({
    secretsManagerArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, "must be a Secrets Manager secret ARN"),
    jsonKey: z.string().min(1).optional(),
  }).strict(),
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

const upstreamUrl = z.string().refine(isAllowedUpstreamUrl, "upstream URL must be https (plain http only on loopback) without userinfo");

/** Request headers a proxy must never pass through from the player (hop-by-hop, identity, or the credentials it injects). */
export const NEVER_FORWARDED_HEADERS = new Set([
  "authorization", "cookie", "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade",
  "proxy-authorization", "proxy-connection", "trailer", "expect", "x-axdrm-message", "x-dt-auth-token", "forwarded",
  "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "origin", "referer",
]);

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, "must be an HTTP header name");
const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const kidText = z.string().regex(GUID_RE, "KIDs are UUIDs");

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_CHALLENGE_BYTES = 64 * 1024;
export const MAX_MAX_CHALLENGE_BYTES = 1024 * 1024;

const commonVendorFields = {
  /** The vendor's license acquisition URL. */
  upstreamUrl,
  /** Deadline for the whole upstream exchange (connect, send, answer). Past it: 504. */
  timeoutMs: z.number().int().min(100).max(60_000).default(DEFAULT_UPSTREAM_TIMEOUT_MS),
  /** The restriction every viewer must satisfy (the content key policy option's restriction). */
  restriction: restrictionSchema,
  /**
   * KIDs the policy governs (UUIDs). With a token that names KIDs, the viewer gets the intersection; with a token that
   * names none (or an open restriction), the viewer gets all of these.
   */
  kids: z.array(kidText).max(256).optional(),
  /** Player request headers passed to the vendor (allow-list, case-insensitive). */
  forwardHeaders: z.array(headerName).max(32).default(["content-type"]),
  /** Largest license challenge accepted from a player. */
  maxChallengeBytes: z.number().int().min(1).max(MAX_MAX_CHALLENGE_BYTES).default(DEFAULT_MAX_CHALLENGE_BYTES),
};

/** Axinom DRM: `X-AxDRM-Message`, an HS256 JWT signed with the communication key's bytes. */
export const axinomVendorSchema = z.object({
  kind: z.literal("axinom"),
  ...commonVendorFields,
  /** Communication Key ID (a UUID, from the Axinom DRM configuration). Not a secret. */
  comKeyId: z.string().regex(GUID_RE, "must be a GUID"),
  /** The communication key (32 bytes; Axinom shows it as base64). */
  comKey: secretRefSchema,
  /** How the communication key text is encoded; `auto` takes 64 hex digits as hex, anything else as base64. */
  comKeyEncoding: z.enum(["auto", "base64", "hex"]).default("auto"),
  /** Lifetime of each entitlement message (`expiration_date` - now). Axinom advises short-lived messages. */
  messageTtlSeconds: z.number().int().min(5).max(3600).default(60),
  /** Copied into `message.license` (Axinom Entitlement Message v2 license configuration), e.g. `{ "duration": 3600 }`. */
  license: z.record(z.string(), z.unknown()).optional(),
}).strict();

/** castLabs DRMtoday: an upfront authorization token (JWT with `optData` and `crt`) in `x-dt-auth-token`. */
export const drmtodayVendorSchema = z.object({
  kind: z.literal("drmtoday"),
  ...commonVendorFields,
  /** The DRMtoday merchant (organization API name), written into `optData.merchant`. */
  merchant: z.string().min(1).max(256),
  /** The shared secret (DRMtoday dashboard shows it as a hex string). */
  sharedSecret: secretRefSchema,
  /** Encoding of the shared secret text. DRMtoday's dashboard uses hex. */
  sharedSecretEncoding: z.enum(["hex", "base64", "utf8"]).default("hex"),
  /** The shared secret's id in DRMtoday, sent as the JWT header `kid`. */
  sharedSecretId: z.string().min(1).max(256),
  /** DRMtoday accepts HS256, HS384 and HS512 (HS256 recommended). */
  alg: z.enum(["HS256", "HS384", "HS512"]).default("HS256"),
  /** Customer Rights Token template(s), sent as the `crt` claim (a JSON string of this array). */
  crt: z.array(z.record(z.string(), z.unknown())).min(1).max(16),
  /** When set, the verified viewer token's claim of this name becomes `assetId` of every CRT entry. */
  assetIdClaim: z.string().min(1).max(256).optional(),
  /** Lifetime of each upfront token (`exp` - `iat`). */
  tokenTtlSeconds: z.number().int().min(5).max(3600).default(60),
}).strict();

/** Generic header injection (EZDRM, BuyDRM KeyOS, ...): fixed credential headers added to the upstream request. */
export const headersVendorSchema = z.object({
  kind: z.literal("headers"),
  ...commonVendorFields,
  /** Header name -> credential reference. */
  headers: z.record(headerName, secretRefSchema).refine((h) => Object.keys(h).length > 0 && Object.keys(h).length <= 16, "between 1 and 16 credential headers"),
}).strict();

export const vendorConfigSchema = z
  .discriminatedUnion("kind", [axinomVendorSchema, drmtodayVendorSchema, headersVendorSchema])
  .superRefine((v, ctx) => {
    v.forwardHeaders.forEach((h, i) => {
      if (NEVER_FORWARDED_HEADERS.has(h.toLowerCase())) ctx.addIssue({ code: "custom", path: ["forwardHeaders", i], message: `header ${h} is never forwarded` });
    });
    if (v.kind === "headers") {
      for (const h of Object.keys(v.headers)) {
        if (v.forwardHeaders.some((f) => f.toLowerCase() === h.toLowerCase())) ctx.addIssue({ code: "custom", path: ["headers", h], message: `credential header ${h} cannot also be forwarded from the player` });
        if (["host", "content-length", "content-type", "transfer-encoding", "connection"].includes(h.toLowerCase())) ctx.addIssue({ code: "custom", path: ["headers", h], message: `${h} cannot carry a credential` });
      }
    }
  });
export type VendorConfig = z.infer<typeof vendorConfigSchema>;
export type AxinomVendorConfig = z.infer<typeof axinomVendorSchema>;
export type DrmtodayVendorConfig = z.infer<typeof drmtodayVendorSchema>;
export type HeadersVendorConfig = z.infer<typeof headersVendorSchema>;

const vendorName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "vendor names use lowercase letters, digits and -");

export const licenseConfigSchema = z.object({
  /** Vendor name (the `:vendor` of `POST /license/:vendor`) -> its configuration. */
  vendors: z.record(vendorName, vendorConfigSchema).default({}),
  /** CORS for the license routes (browser players). Absent: no CORS headers. */
  cors: z.object({
    allowOrigins: z.array(z.string()).min(1),
    allowHeaders: z.array(z.string()).optional(),
    maxAgeSeconds: z.number().int().min(0).optional(),
  }).optional(),
}).strict();

export type LicenseConfig = z.infer<typeof licenseConfigSchema>;
export type LicenseConfigInput = z.input<typeof licenseConfigSchema>;
