/**
 * The content key policy model: one typed shape shared by the key delivery (which enforces it), the Azure components
 * (which render it to `azure-native.media.ContentKeyPolicy`), the AWS key-delivery component (which passes it as
 * configuration) and the policy pack (which reviews it). It follows the Azure Media Services v3 ARM model: a policy
 * is a list of options, each a configuration (what license/key is delivered) and a restriction (open or token).
 *
 * Field names follow the ARM API (camelCase, discriminated by `type`) so AMS JSON maps over one to one.
 */
import * as z from "../zod";

const base64Check = [
  z.regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
  z.refine<string>((s) => s.length % 4 === 0, "must be padded base64"),
] as const;
const isoDuration = z
  .string()
  .check(
    z.regex(
      /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
      "must be an ISO 8601 duration like PT1H",
    ),
  );
const isoDate = z.iso.datetime({ offset: true });
const nonEmpty = z.string().check(z.minLength(1));
const intIn = (min: number, max?: number) =>
  z.number().check(z.int(), z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)]));

// ---------- verification keys and restrictions ----------

export const symmetricKeySchema = z.object({
  /** `Symmetric`: an HMAC key (HS256 JWTs, SWTs). */
  type: z.literal("Symmetric"),
  /** Base64 key bytes. HS256 needs at least 256 bits (RFC 7518 §3.2). */
  keyValue: z.string().check(
    ...base64Check,
    z.refine<string>(
      (s) => Buffer.from(s, "base64").length >= 32,
      "symmetric keys must be at least 32 bytes (RFC 7518 §3.2)",
    ),
  ),
});
export const rsaKeySchema = z.object({
  /** `Rsa`: an RSA public key given by its exponent and modulus (RS256 JWTs). */
  type: z.literal("Rsa"),
  /** Base64 big-endian exponent and modulus (as AMS `ContentKeyPolicyRsaTokenKey`). */
  exponent: z.string().check(...base64Check, z.minLength(1)),
  /** Base64 big-endian modulus; at least 2048 bits. */
  modulus: z.string().check(
    ...base64Check,
    z.refine<string>((s) => Buffer.from(s, "base64").length >= 256, "RSA modulus must be at least 2048 bits"),
  ),
});
export const x509KeySchema = z.object({
  /** `X509`: the public key of a certificate (RS256 JWTs). */
  type: z.literal("X509"),
  /** The certificate: base64 DER (AMS `rawBody`) or PEM text. */
  rawBody: nonEmpty,
});
export const verificationKeySchema = z.discriminatedUnion("type", [symmetricKeySchema, rsaKeySchema, x509KeySchema]);
export type VerificationKey = z.infer<typeof verificationKeySchema>;

export const requiredClaimSchema = z.object({
  /** The claim's name (e.g. `urn:microsoft:azure:mediaservices:contentkeyidentifier`). */
  claimType: nonEmpty,
  /** Absent: the claim must be present with any value. Present: it must equal this. */
  claimValue: z.optional(z.string()),
});
export type RequiredClaim = z.infer<typeof requiredClaimSchema>;

export const CONTENT_KEY_IDENTIFIER_CLAIM = "urn:microsoft:azure:mediaservices:contentkeyidentifier";
export const MAX_USES_CLAIM = "urn:microsoft:azure:mediaservices:maxuses";

export const openRestrictionSchema = z.object({
  /** `Open`: no token needed; anyone gets the key or license. */
  type: z.literal("Open"),
});
export const tokenRestrictionSchema = z
  .object({
    /** `Token`: the viewer presents a token (JWT or SWT) that this restriction verifies. */
    type: z.literal("Token"),
    /** The token's required issuer (`iss`; SWT `Issuer`). */
    issuer: nonEmpty,
    /** The token's required audience (`aud`; SWT `Audience`). */
    audience: nonEmpty,
    /** `Jwt` or `Swt` (SWT: symmetric keys only, no OpenID Connect discovery). */
    tokenType: z.enum(["Jwt", "Swt"]),
    /** The key tokens are verified with first; this or openIdConnectDiscoveryDocument is required. */
    primaryVerificationKey: z.optional(verificationKeySchema),
    /** Keys tried after the primary (key rotation), at most 16. Default `[]`. */
    alternateVerificationKeys: z._default(z.array(verificationKeySchema).check(z.maxLength(16)), []),
    /** Claims the token must carry, at most 64. Default `[]`. */
    requiredClaims: z._default(z.array(requiredClaimSchema).check(z.maxLength(64)), []),
    /** OpenID Connect discovery document URL; JWKS is fetched from its `jwks_uri` only. */
    openIdConnectDiscoveryDocument: z.optional(z.url()),
    /** Keyplane extension: tokens living longer than this (exp - nbf/iat, and exp - now beyond the clock skew) are refused. Default 24 h. */
    maxTokenLifetimeSeconds: z._default(z.number().check(z.int(), z.positive(), z.maximum(31 * 24 * 3600)), 24 * 3600),
  })
  .check(
    z.superRefine((r, ctx) => {
      if (!r.primaryVerificationKey && !r.openIdConnectDiscoveryDocument) {
        ctx.addIssue({
          code: "custom",
          path: ["primaryVerificationKey"],
          message: "a token restriction needs a primaryVerificationKey or an openIdConnectDiscoveryDocument",
        });
      }
      if (r.tokenType === "Swt") {
        const keys = [r.primaryVerificationKey, ...r.alternateVerificationKeys].filter(Boolean) as VerificationKey[];
        if (keys.some((k) => k.type !== "Symmetric"))
          ctx.addIssue({
            code: "custom",
            path: ["tokenType"],
            message: "SWT tokens are verified with symmetric keys only",
          });
        if (r.openIdConnectDiscoveryDocument)
          ctx.addIssue({
            code: "custom",
            path: ["openIdConnectDiscoveryDocument"],
            message: "OpenID Connect discovery applies to JWT only",
          });
      }
      if (
        r.openIdConnectDiscoveryDocument &&
        !r.openIdConnectDiscoveryDocument.startsWith("https://") &&
        !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(r.openIdConnectDiscoveryDocument)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["openIdConnectDiscoveryDocument"],
          message: "the discovery document must be served over HTTPS",
        });
      }
    }),
  );
export const restrictionSchema = z.union([openRestrictionSchema, tokenRestrictionSchema]);
export type OpenRestriction = z.infer<typeof openRestrictionSchema>;
export type TokenRestriction = z.infer<typeof tokenRestrictionSchema>;
export type Restriction = z.infer<typeof restrictionSchema>;

// ---------- configurations ----------

export const clearKeyConfigurationSchema = z.object({ type: z.literal("ClearKey") });

const opl = z.optional(intIn(0, 500));
const outputProtection = z.enum(["NotAllowed", "Allowed", "AllowedWithVideoConstriction"]);
export const playReadyPlayRightSchema = z.object({
  firstPlayExpiration: z.optional(isoDuration),
  scmsRestriction: z.optional(intIn(0, 3)),
  agcAndColorStripeRestriction: z.optional(intIn(0, 3)),
  explicitAnalogVideoOutputProtection: z.optional(outputProtection),
  digitalVideoOnlyContentRestriction: z._default(z.boolean(), false),
  imageConstraintForAnalogComponentVideoRestriction: z._default(z.boolean(), false),
  imageConstraintForAnalogComputerMonitorRestriction: z._default(z.boolean(), false),
  allowPassingVideoContentToUnknownOutput: z._default(outputProtection, "NotAllowed"),
  uncompressedDigitalVideoOpl: opl,
  compressedDigitalVideoOpl: opl,
  analogVideoOpl: opl,
  compressedDigitalAudioOpl: opl,
  uncompressedDigitalAudioOpl: opl,
});
export const playReadyContentKeyLocationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("FromHeader") }),
  z.object({ type: z.literal("FromKeyIdentifier"), keyId: z.uuid() }),
]);
export const playReadyLicenseSchema = z.object({
  allowTestDevices: z._default(z.boolean(), false),
  securityLevel: z._default(z.enum(["SL150", "SL2000", "SL3000"]), "SL2000"),
  beginDate: z.optional(isoDate),
  expirationDate: z.optional(isoDate),
  relativeBeginDate: z.optional(isoDuration),
  relativeExpirationDate: z.optional(isoDuration),
  gracePeriod: z.optional(isoDuration),
  playRight: z.optional(playReadyPlayRightSchema),
  licenseType: z._default(z.enum(["NonPersistent", "Persistent"]), "NonPersistent"),
  contentKeyLocation: z._default(playReadyContentKeyLocationSchema, { type: "FromHeader" }),
  contentType: z._default(z.enum(["Unspecified", "UltraVioletDownload", "UltraVioletStreaming"]), "Unspecified"),
});
export const playReadyConfigurationSchema = z.object({
  type: z.literal("PlayReady"),
  licenses: z.array(playReadyLicenseSchema).check(z.minLength(1), z.maxLength(16)),
  responseCustomData: z.optional(z.string().check(z.maxLength(4096))),
});
export type PlayReadyLicense = z.infer<typeof playReadyLicenseSchema>;

const seconds = z.optional(intIn(0));
/** Widevine license template (the JSON AMS stores as `widevineTemplate`), typed. */
export const widevineTemplateSchema = z.object({
  allowed_track_types: z.optional(z.enum(["SD_ONLY", "SD_HD"])),
  content_key_specs: z.optional(
    z.array(
      z.object({
        track_type: nonEmpty,
        /** 1 = SW_SECURE_CRYPTO ... 5 = HW_SECURE_ALL */
        security_level: z.optional(intIn(1, 5)),
        required_output_protection: z.optional(z.object({ hdcp: z.enum(["HDCP_NONE", "HDCP_V1", "HDCP_V2"]) })),
      }),
    ),
  ),
  policy_overrides: z.optional(
    z.object({
      can_play: z.optional(z.boolean()),
      can_persist: z.optional(z.boolean()),
      can_renew: z.optional(z.boolean()),
      rental_duration_seconds: seconds,
      playback_duration_seconds: seconds,
      license_duration_seconds: seconds,
      renewal_server_url: z.optional(z.url()),
      renewal_delay_seconds: seconds,
      renewal_retry_interval_seconds: seconds,
      renew_with_usage: z.optional(z.boolean()),
    }),
  ),
});
export type WidevineTemplate = z.infer<typeof widevineTemplateSchema>;
export const widevineConfigurationSchema = z.object({
  type: z.literal("Widevine"),
  template: z._default(widevineTemplateSchema, {}),
});

export const fairPlayConfigurationSchema = z.object({
  type: z.literal("FairPlay"),
  /** Application Secret Key: 16 bytes, hex. A secret. */
  ask: z.string().check(z.regex(/^[0-9a-fA-F]{32}$/, "the ASK must be 16 bytes of hex")),
  /** The FairPlay certificate with private key, PKCS#12, base64. A secret. */
  fairPlayPfx: z.string().check(...base64Check, z.minLength(1)),
  /** The PFX password. A secret. */
  fairPlayPfxPassword: z.string(),
  rentalAndLeaseKeyType: z._default(
    z.enum(["Undefined", "DualExpiry", "PersistentUnlimited", "PersistentLimited"]),
    "Undefined",
  ),
  rentalDuration: z._default(intIn(0), 0),
  offlineRentalConfiguration: z.optional(
    z.object({
      playbackDurationSeconds: z.number().check(z.int(), z.positive()),
      storageDurationSeconds: z.number().check(z.int(), z.positive()),
    }),
  ),
});

export const configurationSchema = z.discriminatedUnion("type", [
  clearKeyConfigurationSchema,
  playReadyConfigurationSchema,
  widevineConfigurationSchema,
  fairPlayConfigurationSchema,
]);
export type Configuration = z.infer<typeof configurationSchema>;
export type ConfigurationType = Configuration["type"];

// ---------- options and policies ----------

export const contentKeyPolicyOptionSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(256)),
  configuration: configurationSchema,
  restriction: restrictionSchema,
});
export type ContentKeyPolicyOption = z.infer<typeof contentKeyPolicyOptionSchema>;

export const contentKeyPolicySchema = z
  .object({
    name: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,260}$/, "policy names use letters, digits, - and _")),
    description: z.optional(z.string().check(z.maxLength(4000))),
    options: z.array(contentKeyPolicyOptionSchema).check(z.minLength(1), z.maxLength(32)),
  })
  .check(
    z.superRefine((p, ctx) => {
      const seen = new Set<string>();
      p.options.forEach((o, i) => {
        if (seen.has(o.name))
          ctx.addIssue({ code: "custom", path: ["options", i, "name"], message: `duplicate option name "${o.name}"` });
        seen.add(o.name);
      });
    }),
  );
export type ContentKeyPolicy = z.infer<typeof contentKeyPolicySchema>;
export type ContentKeyPolicyInput = z.input<typeof contentKeyPolicySchema>;
