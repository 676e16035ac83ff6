/**
 * Typed, validated stack configuration (`keyplane:*` keys of Pulumi.<stack>.yaml). Errors name the exact key, e.g.
 * `keyplane:aws.mediaPackage.rotationSeconds: must be >= 300`. Secrets (key seed, vendor credential, token key) are
 * never part of this parsed object: the program reads them with `requireSecret*` so they stay Pulumi secrets.
 */
import { z } from "zod";
import {
  checkSpekeCertificate,
  LOG_RETENTION_DAYS,
  MP1_DRM_SYSTEMS,
  MP2_DRM_SYSTEMS,
  mp1AllowedSystems,
  type Mp2DrmSystem,
} from "keyplane/aws";
import { KeyplaneError } from "keyplane/core";

export const PROJECT = "keyplane";
export const COMPOSITIONS = ["aws-live", "aws-vendor", "azure-vod", "multi-cloud"] as const;
export type Composition = (typeof COMPOSITIONS)[number];

/** MediaPackage v2 systems the stack offers: all but Irdeto, whose keys Keyplane's key server does not serve. */
const DRM_SYSTEMS = MP2_DRM_SYSTEMS.filter((d): d is Exclude<Mp2DrmSystem, "IRDETO"> => d !== "IRDETO");
const name = (max = 63) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
    .max(max, `at most ${max} characters`);
const httpsUrl = z.string().regex(/^https:\/\/[^\s/$.?#][^\s]*$/i, "must be an https:// URL");
const origin = z
  .string()
  .regex(
    /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/,
    "must be an origin like https://player.example.com (no path, no *)",
  );

const videoPreset = z.union([
  z.number().int().min(1, "must be 1..8").max(8, "must be 1..8"),
  z.enum(["SHARED", "UNENCRYPTED"]),
]);
const audioPreset = z.union([
  z.number().int().min(1, "must be 1..3").max(3, "must be 1..3"),
  z.enum(["SHARED", "UNENCRYPTED"]),
]);

const endpointSchema = z.object({
  name: name(256),
  container: z.enum(["CMAF", "TS"]),
  method: z.enum(["CENC", "CBCS", "AES_128", "SAMPLE_AES"]),
  drmSystems: z.array(z.enum(DRM_SYSTEMS)).min(1, "must list at least one DRM system"),
  hlsManifests: z.array(name(256)).optional(),
  dashManifests: z.array(name(256)).optional(),
  lowLatencyHlsManifests: z.array(name(256)).optional(),
  segmentDurationSeconds: z.number().int().min(1).max(30).optional(),
  /** MediaPackage v2: 60 s to 14 days. */
  startoverWindowSeconds: z
    .number()
    .int()
    .min(60, "must be >= 60")
    .max(1_209_600, "must be <= 1209600 (14 days)")
    .optional(),
});

const mp1Encryption = {
  method: z.enum(["AES_128", "SAMPLE_AES", "AES_CTR"]).optional(),
  drmSystems: z.array(z.enum(MP1_DRM_SYSTEMS)).min(1, "must list at least one DRM system"),
  /** SPEKE v2 encryption contract; overrides the block's presets (not for MSS). */
  videoPreset: videoPreset.optional(),
  audioPreset: audioPreset.optional(),
};
const mp1EndpointSchema = z.object({
  id: name(256),
  type: z.enum(["HLS", "DASH", "CMAF", "MSS"]),
  ...mp1Encryption,
  /** SPEKE v1 (no presets) only: MediaPackage v1 requires 0 with an encryption contract. */
  keyRotationIntervalSeconds: z.number().int("must be a whole number of seconds").min(0, "must be >= 0").optional(),
  segmentDurationSeconds: z.number().int().min(1).max(30).optional(),
  startoverWindowSeconds: z.number().int().min(0).max(1_209_600).optional(),
  /** Less than the startover window (the component checks it), at most 86,400 s without one. */
  timeDelaySeconds: z.number().int().min(0).max(1_209_600).optional(),
});
const mp1VodSchema = z.object({ id: name(256), type: z.enum(["HLS", "DASH", "CMAF", "MSS"]), ...mp1Encryption });

/**
 * Presets an MP1 endpoint ends up with: its own, else the block's. MSS never takes presets; VOD configurations use
 * only their own (the policy pack's v1 rotation check does not yet tell VOD packaging configurations apart).
 */
export function mp1Presets(
  block: { videoPreset?: unknown; audioPreset?: unknown },
  e: { type: string; videoPreset?: unknown; audioPreset?: unknown },
  vod = false,
) {
  if (e.type === "MSS" || vod) return { videoPreset: e.videoPreset, audioPreset: e.audioPreset };
  return { videoPreset: e.videoPreset ?? block.videoPreset, audioPreset: e.audioPreset ?? block.audioPreset };
}

const mediaPackageV1Schema = z
  .object({
    /** Live channel id (required with endpoints). */
    channelId: name(256).optional(),
    /** Default SPEKE v2 encryption contract for HLS / DASH / CMAF endpoints and VOD configurations; omit both for SPEKE v1. */
    videoPreset: videoPreset.optional(),
    audioPreset: audioPreset.optional(),
    endpoints: z.array(mp1EndpointSchema).default([]),
    vod: z
      .object({
        packagingGroupId: name(256).optional(),
        configurations: z.array(mp1VodSchema).min(1, "must list at least one packaging configuration"),
      })
      .optional(),
    /** CDN authorization on the live endpoints: a generated X-MediaPackage-CDNIdentifier secret and its reader role. */
    cdnAuth: z.boolean().default(false),
  })
  .superRefine((mp, ctx) => {
    if (mp.endpoints.length === 0 && !mp.vod)
      ctx.addIssue({ code: "custom", path: ["endpoints"], message: "must list at least one endpoint (or set vod)" });
    if (mp.endpoints.length > 0 && !mp.channelId)
      ctx.addIssue({ code: "custom", path: ["channelId"], message: "is required with live endpoints" });
    const check = (
      path: (string | number)[],
      e: z.infer<typeof mp1VodSchema> & { keyRotationIntervalSeconds?: number },
      vod = false,
    ) => {
      const issue = (p: (string | number)[], message: string) =>
        ctx.addIssue({ code: "custom", path: [...path, ...p], message });
      if (e.type === "HLS" && e.method && e.method !== "AES_128" && e.method !== "SAMPLE_AES")
        issue(["method"], "HLS takes AES_128 or SAMPLE_AES");
      if (e.type === "CMAF" && e.method && e.method !== "SAMPLE_AES" && e.method !== "AES_CTR")
        issue(["method"], "CMAF takes SAMPLE_AES (cbcs) or AES_CTR (cenc)");
      if ((e.type === "DASH" || e.type === "MSS") && e.method)
        issue(["method"], `${e.type} has no method choice (always cenc)`);
      const allowed: readonly string[] = mp1AllowedSystems(e.type, e.method);
      e.drmSystems.forEach((d, j) => {
        if (!allowed.includes(d))
          issue(
            ["drmSystems", j],
            `${d} is not allowed for ${e.type}${e.method ? ` ${e.method}` : ""} (allowed: ${allowed.join(", ")})`,
          );
      });
      if (new Set(e.drmSystems).size !== e.drmSystems.length) issue(["drmSystems"], "lists a DRM system twice");
      if (e.type === "MSS" && (e.videoPreset !== undefined || e.audioPreset !== undefined))
        issue(["videoPreset"], "MSS does not take an encryption contract (SPEKE v2 presets)");
      const p = mp1Presets(mp, e, vod);
      if ((p.videoPreset === undefined) !== (p.audioPreset === undefined))
        issue(["audioPreset"], "set both videoPreset and audioPreset (here or on aws.mediaPackageV1), or neither");
      if (p.videoPreset !== undefined && p.audioPreset !== undefined) {
        if ((p.videoPreset === "SHARED") !== (p.audioPreset === "SHARED"))
          issue(["videoPreset"], "SHARED must be used for both videoPreset and audioPreset");
        if (p.videoPreset === "UNENCRYPTED" && p.audioPreset === "UNENCRYPTED")
          issue(["videoPreset"], "videoPreset and audioPreset cannot both be UNENCRYPTED");
        if (e.keyRotationIntervalSeconds !== undefined && e.keyRotationIntervalSeconds !== 0)
          issue(
            ["keyRotationIntervalSeconds"],
            "must be 0 with presets (MediaPackage v1 requires it with a SPEKE v2 encryption contract)",
          );
      }
    };
    mp.endpoints.forEach((e, i) => {
      check(["endpoints", i], e);
    });
    mp.vod?.configurations.forEach((c, i) => {
      check(["vod", "configurations", i], c, true);
    });
  });

const pem = z
  .string()
  .trim()
  .regex(
    /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/,
    "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
  );
const spekeCertificateSchema = z.strictObject(
  {
    /** PEM certificate (public). The private key is the secret `keyplane:spekePrivateKey`, never plain config. */
    certificatePem: pem.superRefine((c, ctx) => {
      try {
        checkSpekeCertificate(c);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^SpekeCertificate: /, "") });
      }
    }),
    certificateChain: pem.optional(),
    alarmDaysBeforeExpiry: z.number().int().min(1, "must be 1..365").max(365, "must be 1..365").default(30),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown setting ${iss.keys.join(", ")}${iss.keys.some((k) => /key/i.test(k)) ? " (the private key is the secret keyplane:spekePrivateKey: pulumi config set --secret spekePrivateKey < key.pem)" : ""}`
        : undefined,
  },
);

export const awsSchema = z.object({
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like eu-west-1")
    .optional(),
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of ${LOG_RETENTION_DAYS.join(", ")}`)
    .default(90),
  alarmTopicArn: z.string().startsWith("arn:aws:sns:", "must be an SNS topic ARN").optional(),
  mediaPackage: z
    .object({
      channelGroupName: name(256),
      channelName: name(256),
      inputType: z.enum(["HLS", "CMAF"]).default("CMAF"),
      rotationSeconds: z
        .number()
        .int("must be a whole number of seconds")
        .min(300, "must be >= 300")
        .max(31_536_000, "must be <= 31536000"),
      videoPreset: videoPreset.default(3),
      audioPreset: audioPreset.default(1),
      endpoints: z.array(endpointSchema).min(1, "must list at least one endpoint"),
      /** CDN authorization on every endpoint: a generated X-MediaPackageV2-CDNIdentifier secret and its reader role. */
      cdnAuth: z.boolean().default(false),
      /** CloudFront distributions admitted by origin access control (endpoint policies). */
      cloudFrontDistributionArns: z
        .array(
          z
            .string()
            .regex(
              /^arn:aws[a-z-]*:cloudfront::\d{12}:distribution\/[A-Z0-9]+$/,
              "must be a CloudFront distribution ARN",
            ),
        )
        .optional(),
      /** Encoder roles (e.g. MediaLive's) granted mediapackagev2:PutObject on the channel. */
      ingestRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, "must be an IAM role ARN"))
        .optional(),
    })
    .optional(),
  /** MediaPackage v1 origin (live and/or VOD) against the same SPEKE server as `mediaPackage`. */
  mediaPackageV1: mediaPackageV1Schema.optional(),
  /** SPEKE content key encryption certificate (imported into ACM, expiry watchdog); used by every MediaPackage key provider. */
  spekeCertificate: spekeCertificateSchema.optional(),
  keyDelivery: z
    .object({
      corsAllowOrigins: z.array(origin).min(1, "must list the player origins"),
      throttle: z
        .object({
          burstLimit: z.number().int().min(1).max(5000).optional(),
          rateLimit: z.number().positive().max(10000).optional(),
        })
        .optional(),
    })
    .optional(),
  vendor: z
    .object({
      preset: z.enum(["ezdrm", "keyos", "axinom", "generic"]),
      url: httpsUrl,
      headerName: z.string().min(1).optional(),
      mode: z.enum(["function", "integration"]).default("function"),
    })
    .optional(),
});

export const contentProtectionSchema = z.object({
  /** "token" (default) or "open" (dev only: the policy pack refuses it elsewhere). */
  restriction: z.enum(["token", "open"]).default("token"),
  issuer: z.string().min(1, "must not be empty").optional(),
  audience: z.string().min(1, "must not be empty").optional(),
  tokenType: z.enum(["Jwt", "Swt"]).default("Jwt"),
  /** JWT verification by OpenID Connect discovery (no key in config); otherwise the secret `keyplane:tokenKey` (base64, >= 32 bytes). */
  openIdConnectDiscoveryDocument: httpsUrl.optional(),
  maxTokenLifetimeSeconds: z.number().int().min(60, "must be >= 60").max(86400, "must be <= 86400").default(3600),
  drm: z
    .array(z.enum(["ClearKey", "Widevine", "PlayReady"]))
    .min(1, "must list at least one DRM")
    .default(["ClearKey", "Widevine", "PlayReady"]),
  playReadySecurityLevel: z.enum(["SL150", "SL2000", "SL3000"]).default("SL2000"),
  playReadyAllowTestDevices: z.boolean().default(false),
  widevineSecurityLevel: z.number().int().min(1, "must be 1..5").max(5, "must be 1..5").default(1),
});

export const azureSchema = z.object({
  resourceGroupName: z.string().min(1).max(90),
  location: z.string().min(1).optional(),
  account: z.union([
    z.object({ create: z.object({ name: z.string().regex(/^[a-z0-9]{3,24}$/, "3-24 lowercase letters and digits") }) }),
    z.object({ existing: z.object({ name: z.string().min(1) }) }),
  ]),
  /** License / key URLs players use (AMS custom acquisition URL templates); default: the AMS-issued licenses. */
  licenseUrls: z
    .object({ playReady: httpsUrl.optional(), widevine: httpsUrl.optional(), clearKey: httpsUrl.optional() })
    .default({}),
  assets: z
    .array(
      z.object({
        name: name(260),
        existingAsset: z.boolean().default(false),
        alternativeMediaId: z.string().optional(),
      }),
    )
    .min(1, "must list at least one asset"),
});

export const stackSettingsSchema = z
  .object({
    environment: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "lowercase letters, digits and -"),
    composition: z.enum(COMPOSITIONS),
    tags: z.record(z.string(), z.string()).default({}),
    aws: awsSchema.optional(),
    azure: azureSchema.optional(),
    contentProtection: contentProtectionSchema.default(contentProtectionSchema.parse({})),
  })
  .superRefine((s, ctx) => {
    const needsAws = s.composition === "aws-live" || s.composition === "aws-vendor" || s.composition === "multi-cloud";
    const needsAzure = s.composition === "azure-vod" || s.composition === "multi-cloud";
    if (needsAws && !s.aws)
      ctx.addIssue({ code: "custom", path: ["aws"], message: `is required for composition ${s.composition}` });
    if (needsAzure && !s.azure)
      ctx.addIssue({ code: "custom", path: ["azure"], message: `is required for composition ${s.composition}` });
    if (s.composition === "aws-vendor" && s.aws && !s.aws.vendor)
      ctx.addIssue({ code: "custom", path: ["aws", "vendor"], message: "is required for composition aws-vendor" });
    if (needsAws && s.aws && !s.aws.mediaPackage && !s.aws.mediaPackageV1)
      ctx.addIssue({
        code: "custom",
        path: ["aws", "mediaPackage"],
        message: `is required for composition ${s.composition} (or aws.mediaPackageV1)`,
      });
    if ((s.composition === "aws-live" || s.composition === "multi-cloud") && s.aws && !s.aws.keyDelivery)
      ctx.addIssue({
        code: "custom",
        path: ["aws", "keyDelivery"],
        message: `is required for composition ${s.composition}`,
      });
    const cp = s.contentProtection;
    if (cp.restriction === "token") {
      if (!cp.issuer)
        ctx.addIssue({
          code: "custom",
          path: ["contentProtection", "issuer"],
          message: "is required for a token restriction",
        });
      if (!cp.audience)
        ctx.addIssue({
          code: "custom",
          path: ["contentProtection", "audience"],
          message: "is required for a token restriction",
        });
      if (cp.openIdConnectDiscoveryDocument && cp.tokenType === "Swt")
        ctx.addIssue({
          code: "custom",
          path: ["contentProtection", "openIdConnectDiscoveryDocument"],
          message: "applies to JWT only",
        });
    }
  });

export type StackSettings = z.infer<typeof stackSettingsSchema>;
export type AwsSettings = z.infer<typeof awsSchema>;
export type AzureSettings = z.infer<typeof azureSchema>;
export type ContentProtectionSettings = z.infer<typeof contentProtectionSchema>;

/** The config keys this schema reads (besides the secrets keySeed, tokenKey, vendorCredential). */
export const SETTINGS_KEYS = ["environment", "composition", "tags", "aws", "azure", "contentProtection"] as const;
/** Secret config keys (set with `pulumi config set --secret`). */
export const SECRET_KEYS = ["keySeed", "tokenKey", "vendorCredential", "spekePrivateKey"] as const;

/** `["aws","mediaPackage","endpoints",0,"name"]` -> `keyplane:aws.mediaPackage.endpoints[0].name`. */
export function configKeyPath(path: readonly PropertyKey[], project = PROJECT): string {
  const [head, ...rest] = path;
  let out = `${project}:${String(head ?? "")}`;
  for (const p of rest) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return out;
}

/**
 * Validate raw settings (already JSON-decoded per key). Throws KeyplaneError `stack_config_invalid` whose message
 * lists one line per problem, each naming the full config key.
 */
export function parseStackSettings(raw: Record<string, unknown>, project = PROJECT): StackSettings {
  const unknownKeys = Object.keys(raw).filter(
    (k) => !(SETTINGS_KEYS as readonly string[]).includes(k) && !(SECRET_KEYS as readonly string[]).includes(k),
  );
  const r = stackSettingsSchema.safeParse(raw);
  const lines = unknownKeys.map(
    (k) => `${project}:${k}: unknown setting (known: ${[...SETTINGS_KEYS, ...SECRET_KEYS].join(", ")})`,
  );
  if (!r.success) {
    for (const issue of r.error.issues) {
      const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
      lines.push(`${configKeyPath(issue.path, project)}: ${message}`);
    }
  }
  if (lines.length > 0 || !r.success)
    throw new KeyplaneError("stack_config_invalid", lines.join("\n"), {
      detail: { keys: lines.map((l) => l.split(":").slice(0, 2).join(":")) },
    });
  return r.data;
}

/** Decode the flat `project:key` -> string map Pulumi hands a program into JSON values for `parseStackSettings`. */
export function rawSettingsFromConfig(all: Record<string, string>, project = PROJECT): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(`${project}:`)) continue;
    const key = k.slice(project.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(key)) continue;
    try {
      out[key] = JSON.parse(v) as unknown;
    } catch {
      out[key] = v;
    }
  }
  return out;
}
