/**
 * The MediaPackage sections of the AWS stack configuration: `keyplane:aws.mediaPackage` (v2 channel and endpoints) and
 * `keyplane:aws.mediaPackageV1` (live endpoints and VOD configurations, with the v1 rules on methods, DRM systems,
 * presets and key rotation, each issue at its config key).
 */
import { z } from "zod";
import { MP1_DRM_SYSTEMS, MP2_DRM_SYSTEMS, mp1AllowedSystems, type Mp2DrmSystem } from "keyplane/aws";
import { audioPreset, name, videoPreset } from "./config-fields";

/** MediaPackage v2 systems the stack offers: all but Irdeto, whose keys Keyplane's key server does not serve. */
const DRM_SYSTEMS = MP2_DRM_SYSTEMS.filter((d): d is Exclude<Mp2DrmSystem, "IRDETO"> => d !== "IRDETO");

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

export const mediaPackageV1Schema = z
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

/** `keyplane:aws.mediaPackage`: the MediaPackage v2 channel group, channel and endpoints. */
export const mediaPackageV2Schema = z.object({
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
        .regex(/^arn:aws[a-z-]*:cloudfront::\d{12}:distribution\/[A-Z0-9]+$/, "must be a CloudFront distribution ARN"),
    )
    .optional(),
  /** Encoder roles (e.g. MediaLive's) granted mediapackagev2:PutObject on the channel. */
  ingestRoleArns: z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, "must be an IAM role ARN"))
    .optional(),
});
