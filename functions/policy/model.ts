/**
 * The content key policy model: one typed shape shared by the key delivery (which enforces it), the Azure components
 * (which render it to `azure-native.media.ContentKeyPolicy`), the AWS key-delivery component (which passes it as
 * configuration) and the policy pack (which reviews it). It follows the Azure Media Services v3 ARM model: a policy
 * is a list of options, each a configuration (what license/key is delivered) and a restriction (open or token).
 *
 * Field names follow the ARM API (camelCase, discriminated by `type`) so AMS JSON maps over one to one.
 */
import { z } from "zod";

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64").refine((s) => s.length % 4 === 0, "must be padded base64");
const isoDuration = z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, "must be an ISO 8601 duration like PT1H");
const isoDate = z.string().datetime({ offset: true });

// ---------- verification keys and restrictions ----------

export const symmetricKeySchema = z.object({
  type: z.literal("Symmetric"),
  /** Base64 key bytes. HS256 needs at least 256 bits (RFC 7518 §3.2). */
  keyValue: base64.refine((s) => Buffer.from(s, "base64").length >= 32, "symmetric keys must be at least 32 bytes (RFC 7518 §3.2)"),
});
export const rsaKeySchema = z.object({
  type: z.literal("Rsa"),
  /** Base64 big-endian exponent and modulus (as AMS `ContentKeyPolicyRsaTokenKey`). */
  exponent: base64.min(1),
  modulus: base64.refine((s) => Buffer.from(s, "base64").length >= 256, "RSA modulus must be at least 2048 bits"),
});
export const x509KeySchema = z.object({
  type: z.literal("X509"),
  /** The certificate: base64 DER (AMS `rawBody`) or PEM text. */
  rawBody: z.string().min(1),
});
export const verificationKeySchema = z.discriminatedUnion("type", [symmetricKeySchema, rsaKeySchema, x509KeySchema]);
export type VerificationKey = z.infer<typeof verificationKeySchema>;

export const requiredClaimSchema = z.object({
  claimType: z.string().min(1),
  /** Absent: the claim must be present with any value. Present: it must equal this. */
  claimValue: z.string().optional(),
});
export type RequiredClaim = z.infer<typeof requiredClaimSchema>;

export const CONTENT_KEY_IDENTIFIER_CLAIM = "urn:microsoft:azure:mediaservices:contentkeyidentifier";
export const MAX_USES_CLAIM = "urn:microsoft:azure:mediaservices:maxuses";

export const openRestrictionSchema = z.object({ type: z.literal("Open") });
export const tokenRestrictionSchema = z
  .object({
    type: z.literal("Token"),
    issuer: z.string().min(1),
    audience: z.string().min(1),
    tokenType: z.enum(["Jwt", "Swt"]),
    primaryVerificationKey: verificationKeySchema.optional(),
    alternateVerificationKeys: z.array(verificationKeySchema).max(16).default([]),
    requiredClaims: z.array(requiredClaimSchema).max(64).default([]),
    /** OpenID Connect discovery document URL; JWKS is fetched from its `jwks_uri` only. */
    openIdConnectDiscoveryDocument: z.string().url().optional(),
    /** Keyplane extension: tokens living longer than this (exp - nbf/iat, and exp - now beyond the clock skew) are refused. Default 24 h. */
    maxTokenLifetimeSeconds: z.number().int().positive().max(31 * 24 * 3600).default(24 * 3600),
  })
  .superRefine((r, ctx) => {
    if (!r.primaryVerificationKey && !r.openIdConnectDiscoveryDocument) {
      ctx.addIssue({ code: "custom", path: ["primaryVerificationKey"], message: "a token restriction needs a primaryVerificationKey or an openIdConnectDiscoveryDocument" });
    }
    if (r.tokenType === "Swt") {
      const keys = [r.primaryVerificationKey, ...r.alternateVerificationKeys].filter(Boolean) as VerificationKey[];
      if (keys.some((k) => k.type !== "Symmetric")) ctx.addIssue({ code: "custom", path: ["tokenType"], message: "SWT tokens are verified with symmetric keys only" });
      if (r.openIdConnectDiscoveryDocument) ctx.addIssue({ code: "custom", path: ["openIdConnectDiscoveryDocument"], message: "OpenID Connect discovery applies to JWT only" });
    }
    if (r.openIdConnectDiscoveryDocument && !r.openIdConnectDiscoveryDocument.startsWith("https://") && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(r.openIdConnectDiscoveryDocument)) {
      ctx.addIssue({ code: "custom", path: ["openIdConnectDiscoveryDocument"], message: "the discovery document must be served over HTTPS" });
    }
  });
export const restrictionSchema = z.union([openRestrictionSchema, tokenRestrictionSchema]);
export type OpenRestriction = z.infer<typeof openRestrictionSchema>;
export type TokenRestriction = z.infer<typeof tokenRestrictionSchema>;
export type Restriction = z.infer<typeof restrictionSchema>;

// ---------- configurations ----------

export const clearKeyConfigurationSchema = z.object({ type: z.literal("ClearKey") });

const opl = z.number().int().min(0).max(500).optional();
export const playReadyPlayRightSchema = z.object({
  firstPlayExpiration: isoDuration.optional(),
  scmsRestriction: z.number().int().min(0).max(3).optional(),
  agcAndColorStripeRestriction: z.number().int().min(0).max(3).optional(),
  explicitAnalogVideoOutputProtection: z.enum(["NotAllowed", "Allowed", "AllowedWithVideoConstriction"]).optional(),
  digitalVideoOnlyContentRestriction: z.boolean().default(false),
  imageConstraintForAnalogComponentVideoRestriction: z.boolean().default(false),
  imageConstraintForAnalogComputerMonitorRestriction: z.boolean().default(false),
  allowPassingVideoContentToUnknownOutput: z.enum(["NotAllowed", "Allowed", "AllowedWithVideoConstriction"]).default("NotAllowed"),
  uncompressedDigitalVideoOpl: opl,
  compressedDigitalVideoOpl: opl,
  analogVideoOpl: opl,
  compressedDigitalAudioOpl: opl,
  uncompressedDigitalAudioOpl: opl,
});
export const playReadyContentKeyLocationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("FromHeader") }),
  z.object({ type: z.literal("FromKeyIdentifier"), keyId: z.string().uuid() }),
]);
export const playReadyLicenseSchema = z.object({
  allowTestDevices: z.boolean().default(false),
  securityLevel: z.enum(["SL150", "SL2000", "SL3000"]).default("SL2000"),
  beginDate: isoDate.optional(),
  expirationDate: isoDate.optional(),
  relativeBeginDate: isoDuration.optional(),
  relativeExpirationDate: isoDuration.optional(),
  gracePeriod: isoDuration.optional(),
  playRight: playReadyPlayRightSchema.optional(),
  licenseType: z.enum(["NonPersistent", "Persistent"]).default("NonPersistent"),
  contentKeyLocation: playReadyContentKeyLocationSchema.default({ type: "FromHeader" }),
  contentType: z.enum(["Unspecified", "UltraVioletDownload", "UltraVioletStreaming"]).default("Unspecified"),
});
export const playReadyConfigurationSchema = z.object({
  type: z.literal("PlayReady"),
  licenses: z.array(playReadyLicenseSchema).min(1).max(16),
  responseCustomData: z.string().max(4096).optional(),
});
export type PlayReadyLicense = z.infer<typeof playReadyLicenseSchema>;

/** Widevine license template (the JSON AMS stores as `widevineTemplate`), typed. */
export const widevineTemplateSchema = z.object({
  allowed_track_types: z.enum(["SD_ONLY", "SD_HD"]).optional(),
  content_key_specs: z
    .array(
      z.object({
        track_type: z.string().min(1),
        /** 1 = SW_SECURE_CRYPTO ... 5 = HW_SECURE_ALL */
        security_level: z.number().int().min(1).max(5).optional(),
        required_output_protection: z.object({ hdcp: z.enum(["HDCP_NONE", "HDCP_V1", "HDCP_V2"]) }).optional(),
      }),
    )
    .optional(),
  policy_overrides: z
    .object({
      can_play: z.boolean().optional(),
      can_persist: z.boolean().optional(),
      can_renew: z.boolean().optional(),
      rental_duration_seconds: z.number().int().min(0).optional(),
      playback_duration_seconds: z.number().int().min(0).optional(),
      license_duration_seconds: z.number().int().min(0).optional(),
      renewal_server_url: z.string().url().optional(),
      renewal_delay_seconds: z.number().int().min(0).optional(),
      renewal_retry_interval_seconds: z.number().int().min(0).optional(),
      renew_with_usage: z.boolean().optional(),
    })
    .optional(),
});
export type WidevineTemplate = z.infer<typeof widevineTemplateSchema>;
export const widevineConfigurationSchema = z.object({ type: z.literal("Widevine"), template: widevineTemplateSchema.default({}) });

export const fairPlayConfigurationSchema = z.object({
  type: z.literal("FairPlay"),
  /** Application Secret Key: 16 bytes, hex. A secret. */
  ask: z.string().regex(/^[0-9a-fA-F]{32}$/, "the ASK must be 16 bytes of hex"),
  /** The FairPlay certificate with private key, PKCS#12, base64. A secret. */
  fairPlayPfx: base64.min(1),
  /** The PFX password. A secret. */
  fairPlayPfxPassword: z.string(),
  rentalAndLeaseKeyType: z.enum(["Undefined", "DualExpiry", "PersistentUnlimited", "PersistentLimited"]).default("Undefined"),
  rentalDuration: z.number().int().min(0).default(0),
  offlineRentalConfiguration: z
    .object({ playbackDurationSeconds: z.number().int().positive(), storageDurationSeconds: z.number().int().positive() })
    .optional(),
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
  name: z.string().min(1).max(256),
  configuration: configurationSchema,
  restriction: restrictionSchema,
});
export type ContentKeyPolicyOption = z.infer<typeof contentKeyPolicyOptionSchema>;

export const contentKeyPolicySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,260}$/, "policy names use letters, digits, - and _"),
    description: z.string().max(4000).optional(),
    options: z.array(contentKeyPolicyOptionSchema).min(1).max(32),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.options.forEach((o, i) => {
      if (seen.has(o.name)) ctx.addIssue({ code: "custom", path: ["options", i, "name"], message: `duplicate option name "${o.name}"` });
      seen.add(o.name);
    });
  });
export type ContentKeyPolicy = z.infer<typeof contentKeyPolicySchema>;
export type ContentKeyPolicyInput = z.input<typeof contentKeyPolicySchema>;
