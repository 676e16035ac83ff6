/**
 * MediaPackageV1Origin: a MediaPackage (v1) live channel with HLS / DASH / CMAF / MSS origin endpoints and, for VOD,
 * a packaging group with packaging configurations, each encrypted through a SPEKE key provider.
 *
 * MediaPackage v1 takes DRM system ids (not names) and spells presets `PRESET-VIDEO-1`. With an encryption contract
 * (SPEKE v2 presets) it requires `keyRotationIntervalSeconds` = 0: the component forces it and refuses anything else.
 * Without presets (SPEKE v1) one key is used and rotation is allowed (default 0 here too).
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, shown } from "../shared/inputs";
import { cdnAuthResources, type Mp2CdnAuthArgs } from "./mediapackage-access";
import {
  assertPresets,
  checkSpekeProvider,
  mediaPackageSystemId,
  v1AudioPreset,
  v1VideoPreset,
  type AudioPreset,
  type MediaPackageDrmSystem,
  type VideoPreset,
} from "./mediapackage-encryption";

/** The systems MediaPackage v1 takes (names as in mediapackage-encryption.ts; sent as system ids). */
export const MP1_DRM_SYSTEMS = [
  "WIDEVINE",
  "PLAYREADY",
  "FAIRPLAY",
  "AES_128",
] as const satisfies readonly MediaPackageDrmSystem[];
export type Mp1Drm = (typeof MP1_DRM_SYSTEMS)[number];
export type Mp1PackageType = "HLS" | "DASH" | "CMAF" | "MSS";
const ID_RE = /^[A-Za-z0-9_-]{1,256}$/;

export interface Mp1EncryptionArgs {
  drmSystems: pulumi.Input<pulumi.Input<Mp1Drm>[]>;
  /** HLS: AES_128 or SAMPLE_AES. CMAF: SAMPLE_AES (cbcs) or AES_CTR (cenc). Ignored for DASH/MSS (always cenc). */
  method?: pulumi.Input<"AES_128" | "SAMPLE_AES" | "AES_CTR">;
  /** SPEKE v2 encryption contract (DASH, HLS, CMAF). Both or neither. */
  videoPreset?: pulumi.Input<VideoPreset>;
  audioPreset?: pulumi.Input<AudioPreset>;
  /** SPEKE v1 only (no presets); must be 0 with presets. */
  keyRotationIntervalSeconds?: pulumi.Input<number>;
  /** Live only. Default: the endpoint id. */
  resourceId?: pulumi.Input<string>;
  /** Live only: the content key encryption certificate. */
  certificateArn?: pulumi.Input<string>;
  /** Live HLS / CMAF only: constant IV, 32 hexadecimal characters. */
  constantInitializationVector?: pulumi.Input<string>;
}

type Plain<T> = { [K in keyof T]: pulumi.Unwrap<T[K]> };
/** HLS package / CMAF HLS manifest settings (aws-native mediapackage inputs; DATERANGE needs programDateTimeIntervalSeconds > 0). */
export type Mp1HlsOptions = Plain<
  Pick<
    awsNative.types.input.mediapackage.OriginEndpointHlsPackageArgs &
      awsNative.types.input.mediapackage.OriginEndpointHlsManifestArgs,
    | "adMarkers"
    | "programDateTimeIntervalSeconds"
    | "playlistWindowSeconds"
    | "playlistType"
    | "includeIframeOnlyStream"
  >
> &
  Plain<
    Pick<
      awsNative.types.input.mediapackage.OriginEndpointHlsPackageArgs,
      "useAudioRenditionGroup" | "includeDvbSubtitles"
    >
  >;
/** DASH package settings. */
export type Mp1DashOptions = Plain<
  Pick<
    awsNative.types.input.mediapackage.OriginEndpointDashPackageArgs,
    | "manifestWindowSeconds"
    | "minBufferTimeSeconds"
    | "minUpdatePeriodSeconds"
    | "suggestedPresentationDelaySeconds"
    | "periodTriggers"
    | "segmentTemplateFormat"
    | "utcTiming"
    | "utcTimingUri"
    | "profile"
    | "manifestLayout"
    | "includeIframeOnlyStream"
  >
>;
/** MSS package settings. */
export type Mp1MssOptions = Plain<
  Pick<awsNative.types.input.mediapackage.OriginEndpointMssPackageArgs, "manifestWindowSeconds">
>;

export interface Mp1EndpointArgs {
  /**
   * Endpoint id. A plain string (not an Input): it names the child resource, and `endpoints` is a plain list because
   * its length decides how many endpoints exist. Every other field accepts an Input.
   */
  id: string;
  type: pulumi.Input<Mp1PackageType>;
  segmentDurationSeconds?: pulumi.Input<number>;
  startoverWindowSeconds?: pulumi.Input<number>;
  /** Delay before content is served, in seconds: less than the startover window, at most 86,400 without one. */
  timeDelaySeconds?: pulumi.Input<number>;
  /** Package settings for HLS endpoints and the CMAF endpoint's HLS manifest. */
  hls?: pulumi.Input<Mp1HlsOptions>;
  dash?: pulumi.Input<Mp1DashOptions>;
  mss?: pulumi.Input<Mp1MssOptions>;
  encryption?: pulumi.Input<Mp1EncryptionArgs>;
}

export interface Mp1VodConfigurationArgs {
  /** Configuration id: a plain string naming the child resource (see `Mp1EndpointArgs.id`). */
  id: string;
  type: pulumi.Input<Mp1PackageType>;
  encryption?: pulumi.Input<Omit<Mp1EncryptionArgs, "keyRotationIntervalSeconds" | "resourceId" | "certificateArn">>;
}

export interface MediaPackageV1OriginArgs {
  /** The SPEKE key provider: URL and the role MediaPackage assumes (SpekeKeyServer / SpekeVendorProxy outputs). */
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  /** Live channel id; default the component name. Omit `endpoints` for a VOD-only origin. */
  channelId?: pulumi.Input<string>;
  endpoints?: Mp1EndpointArgs[];
  vod?: { packagingGroupId?: pulumi.Input<string>; configurations: Mp1VodConfigurationArgs[] };
  /**
   * CDN authorization on every live endpoint (v1: one secret `{"MediaPackageCDNIdentifier": "<value>"}` and a role
   * assumed by mediapackage.amazonaws.com). Created or adopted as for MediaPackageV2Origin (`existingSecretArns`: one ARN).
   */
  cdnAuth?: Mp2CdnAuthArgs;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

type ResolvedMp1Encryption = pulumi.Unwrap<Mp1EncryptionArgs>;

/** Which DRM systems each v1 package type takes, per method. */
export function mp1AllowedSystems(type: Mp1PackageType, method?: string): Mp1Drm[] {
  switch (type) {
    case "HLS":
      return method === "SAMPLE_AES" ? ["FAIRPLAY"] : ["AES_128"];
    case "CMAF":
      return method === "AES_CTR" ? ["WIDEVINE", "PLAYREADY"] : ["FAIRPLAY", "WIDEVINE", "PLAYREADY"];
    case "DASH":
      return ["WIDEVINE", "PLAYREADY"];
    case "MSS":
      return ["PLAYREADY"];
  }
}

export function validateMp1Encryption(where: string, type: Mp1PackageType, enc: ResolvedMp1Encryption): void {
  if (!["HLS", "DASH", "CMAF", "MSS"].includes(type))
    throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS (got ${shown(type)})`);
  if (type === "HLS" && enc.method !== undefined && enc.method !== "AES_128" && enc.method !== "SAMPLE_AES")
    throw new Error(`${where}: HLS method must be AES_128 or SAMPLE_AES`);
  if (type === "CMAF" && enc.method !== undefined && enc.method !== "SAMPLE_AES" && enc.method !== "AES_CTR")
    throw new Error(`${where}: CMAF method must be SAMPLE_AES or AES_CTR`);
  if ((type === "DASH" || type === "MSS") && enc.method !== undefined)
    throw new Error(`${where}: ${type} has no encryption method choice (always cenc)`);
  if (!Array.isArray(enc.drmSystems) || enc.drmSystems.length === 0)
    throw new Error(`${where}: drmSystems must list at least one DRM system`);
  if (enc.drmSystems.includes("FAIRPLAY") && (type === "DASH" || type === "MSS" || enc.method === "AES_CTR"))
    throw new Error(`${where}: FairPlay needs cbcs (HLS/CMAF with SAMPLE_AES)`);
  const allowed = mp1AllowedSystems(type, enc.method);
  for (const d of enc.drmSystems)
    if (!allowed.includes(d))
      throw new Error(
        `${where}: DRM system ${d} is not allowed for ${type}${enc.method ? ` ${enc.method}` : ""} (allowed: ${allowed.join(", ")})`,
      );
  if (new Set(enc.drmSystems).size !== enc.drmSystems.length) throw new Error(`${where}: a DRM system is listed twice`);
  const hasV = enc.videoPreset !== undefined,
    hasA = enc.audioPreset !== undefined;
  if (hasV !== hasA) throw new Error(`${where}: set both videoPreset and audioPreset, or neither`);
  if (hasV) {
    if (type === "MSS")
      throw new Error(`${where}: MSS endpoints do not take an encryption contract (SPEKE v2 presets)`);
    assertPresets(where, enc.videoPreset!, enc.audioPreset!);
    if (enc.keyRotationIntervalSeconds !== undefined && enc.keyRotationIntervalSeconds !== 0) {
      throw new Error(
        `${where}: with an encryption contract (presets) MediaPackage v1 requires keyRotationIntervalSeconds = 0 (got ${enc.keyRotationIntervalSeconds})`,
      );
    }
  } else if (
    enc.keyRotationIntervalSeconds !== undefined &&
    (!Number.isInteger(enc.keyRotationIntervalSeconds) || enc.keyRotationIntervalSeconds < 0)
  ) {
    throw new Error(`${where}: keyRotationIntervalSeconds must be a non-negative integer`);
  }
}

type Contract = { encryptionContractConfiguration?: { presetSpeke20Video: string; presetSpeke20Audio: string } };
function contract(enc: ResolvedMp1Encryption): Contract {
  return enc.videoPreset !== undefined && enc.audioPreset !== undefined
    ? {
        encryptionContractConfiguration: {
          presetSpeke20Video: v1VideoPreset(enc.videoPreset),
          presetSpeke20Audio: v1AudioPreset(enc.audioPreset),
        },
      }
    : {};
}

const ID =
  (where: string) =>
  (v: string): string => {
    if (typeof v !== "string" || !ID_RE.test(v)) throw new Error(`${where} ${shown(v)} must match ${ID_RE}`);
    return v;
  };

interface CheckedEndpoint {
  type: Mp1PackageType;
  seg: number;
  startover?: number;
  delay?: number;
  hls?: Mp1HlsOptions;
  dash?: Mp1DashOptions;
  mss?: Mp1MssOptions;
  enc?: ResolvedMp1Encryption;
}

/** Live endpoint rules beyond encryption (MediaPackage v1 user guide "Time delay"; HLS DATERANGE needs a PDT interval). */
export function validateMp1Live(where: string, r: CheckedEndpoint): void {
  const int = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (r.startover !== undefined && !int(r.startover))
    throw new Error(`${where}: startoverWindowSeconds must be a non-negative integer (got ${shown(r.startover)})`);
  if (r.delay !== undefined) {
    const max = r.startover ? r.startover - 1 : 86_400;
    if (!int(r.delay) || r.delay > max)
      throw new Error(
        `${where}: timeDelaySeconds must be an integer from 0 to ${max} (${r.startover ? "less than startoverWindowSeconds" : "at most 24 h without a startover window"}) (got ${shown(r.delay)})`,
      );
  }
  if (r.hls && r.type !== "HLS" && r.type !== "CMAF")
    throw new Error(`${where}: hls options need an HLS or CMAF endpoint (type is ${r.type})`);
  if (r.dash && r.type !== "DASH") throw new Error(`${where}: dash options need a DASH endpoint (type is ${r.type})`);
  if (r.mss && r.type !== "MSS") throw new Error(`${where}: mss options need an MSS endpoint (type is ${r.type})`);
  if (
    r.hls?.adMarkers === "DATERANGE" &&
    !(typeof r.hls.programDateTimeIntervalSeconds === "number" && r.hls.programDateTimeIntervalSeconds > 0)
  ) {
    throw new Error(
      `${where}: hls.adMarkers DATERANGE needs hls.programDateTimeIntervalSeconds greater than 0 (got ${shown(r.hls.programDateTimeIntervalSeconds)})`,
    );
  }
  const iv = r.enc?.constantInitializationVector;
  if (iv !== undefined) {
    if (r.type !== "HLS" && r.type !== "CMAF")
      throw new Error(`${where}: encryption.constantInitializationVector is an HLS / CMAF option (type is ${r.type})`);
    if (typeof iv !== "string" || !/^[0-9a-fA-F]{32}$/.test(iv))
      throw new Error(
        `${where}: encryption.constantInitializationVector must be 32 hexadecimal characters (got ${shown(iv)})`,
      );
  }
}

export class MediaPackageV1Origin extends pulumi.ComponentResource {
  readonly channelId: pulumi.Output<string | undefined>;
  /** HLS ingest endpoints (URL, username, password): a secret, the password lets anyone push to the channel. */
  readonly ingestEndpoints: pulumi.Output<unknown>;
  /** Live playback URL per endpoint id. */
  readonly playbackUrls: pulumi.Output<Record<string, string>>;
  /** VOD packaging group domain (asset playback URLs hang off it). */
  readonly vodDomainName: pulumi.Output<string | undefined>;
  /** CDN authorization of the live endpoints (undefined without `cdnAuth`). */
  readonly cdnAuth: pulumi.Output<{ secretArn: string; roleArn: string } | undefined>;
  /** The X-MediaPackage-CDNIdentifier value when Keyplane created the secret (secret output). */
  readonly cdnIdentifierHeaderValue: pulumi.Output<string | undefined>;

  constructor(name: string, args: MediaPackageV1OriginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:MediaPackageV1Origin", name, {}, opts);
    if (!args?.speke?.url || !args.speke.roleArn)
      throw new Error("MediaPackageV1Origin: speke.url and speke.roleArn are required");
    const endpoints = args.endpoints ?? [];
    if (endpoints.length === 0 && !args.vod)
      throw new Error("MediaPackageV1Origin: give live endpoints, vod configurations, or both");
    const ids = new Set<string>();
    for (const e of endpoints) {
      const where = `MediaPackageV1Origin endpoint "${e?.id}"`;
      if (!e || typeof e.id !== "string" || !ID_RE.test(e.id))
        throw new Error(`${where}: id must match ${ID_RE} (a plain string: it names the child resource)`);
      if (ids.has(e.id)) throw new Error(`${where}: id is used twice`);
      ids.add(e.id);
    }
    for (const c of args.vod?.configurations ?? []) {
      if (!c || typeof c.id !== "string" || !ID_RE.test(c.id))
        throw new Error(
          `MediaPackageV1Origin VOD configuration "${c?.id}": id must match ${ID_RE} (a plain string: it names the child resource)`,
        );
    }
    if (args.vod && args.vod.configurations.length === 0)
      throw new Error("MediaPackageV1Origin: vod.configurations must not be empty");
    const speke = checkSpekeProvider("MediaPackageV1Origin", args.speke);
    const opt = { parent: this };
    const tags = pulumi.output(args.tags ?? {}).apply((t) => Object.entries(t).map(([key, value]) => ({ key, value })));

    // Validated now when plain, else when resolved (the messages name the endpoint and the value).
    const checkedEndpoint = (where: string, e: Partial<Omit<Mp1EndpointArgs, "id">> & Pick<Mp1EndpointArgs, "type">) =>
      checkInput(
        {
          type: e.type,
          seg: e.segmentDurationSeconds ?? 6,
          startover: e.startoverWindowSeconds,
          delay: e.timeDelaySeconds,
          hls: e.hls,
          dash: e.dash,
          mss: e.mss,
          enc: e.encryption,
        } as pulumi.Input<CheckedEndpoint>,
        (r): CheckedEndpoint => {
          if (!["HLS", "DASH", "CMAF", "MSS"].includes(r.type))
            throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS (got ${shown(r.type)})`);
          if (r.enc) validateMp1Encryption(where, r.type, r.enc as ResolvedMp1Encryption);
          validateMp1Live(where, r as CheckedEndpoint);
          return r as CheckedEndpoint;
        },
      ) as pulumi.Output<CheckedEndpoint>;

    let channel: awsNative.mediapackage.Channel | undefined;
    let authorization: pulumi.Output<{ cdnIdentifierSecret: string; secretsRoleArn: string }> | undefined;
    this.cdnAuth = pulumi.output(undefined);
    this.cdnIdentifierHeaderValue = pulumi.output(undefined);
    const playback: Record<string, pulumi.Output<string>> = {};
    if (endpoints.length) {
      const channelId = checkInput(args.channelId ?? name, ID("MediaPackageV1Origin: channelId"));
      // The ingest credentials (hlsIngest: URL, username, password) are secret in this child's state too.
      const cdn = args.cdnAuth
        ? cdnAuthResources("MediaPackageV1Origin", name, args.cdnAuth, opt, args.tags, 1)
        : undefined;
      this.cdnAuth = cdn
        ? pulumi.all([cdn.secretArns, cdn.roleArn]).apply(([a, roleArn]) => ({ secretArn: a[0]!, roleArn }))
        : pulumi.output(undefined);
      this.cdnIdentifierHeaderValue = cdn?.headerValue ? pulumi.secret(cdn.headerValue) : pulumi.output(undefined);
      authorization = cdn
        ? pulumi
            .all([cdn.secretArns, cdn.roleArn])
            .apply(([a, roleArn]) => ({ cdnIdentifierSecret: a[0]!, secretsRoleArn: roleArn }))
        : undefined;
      channel = new awsNative.mediapackage.Channel(
        `${name}-channel`,
        { awsId: channelId, description: "Keyplane channel", tags },
        { ...opt, additionalSecretOutputs: ["hlsIngest"] },
      );
      for (const e of endpoints) {
        const c = checkedEndpoint(`MediaPackageV1Origin endpoint "${e.id}"`, e);
        const provider = pulumi.all([c, speke.url, speke.roleArn]).apply(([r, url, roleArn]) =>
          r.enc
            ? {
                url,
                roleArn,
                systemIds: r.enc.drmSystems.map((d) => mediaPackageSystemId(d)),
                resourceId: r.enc.resourceId ?? e.id,
                ...(r.enc.certificateArn ? { certificateArn: r.enc.certificateArn } : {}),
                ...contract(r.enc),
              }
            : undefined,
        );
        const block = (type: Mp1PackageType) =>
          pulumi.all([c, provider]).apply(([r, p]) => {
            if (r.type !== type) return undefined;
            const enc = r.enc;
            const rotation = enc
              ? enc.videoPreset !== undefined
                ? 0
                : (enc.keyRotationIntervalSeconds ?? 0)
              : undefined;
            const iv = enc?.constantInitializationVector
              ? { constantInitializationVector: enc.constantInitializationVector }
              : {};
            if (type === "HLS")
              return {
                segmentDurationSeconds: r.seg,
                ...(r.hls ?? {}),
                ...(enc
                  ? {
                      encryption: {
                        encryptionMethod: enc.method ?? "AES_128",
                        keyRotationIntervalSeconds: rotation,
                        ...iv,
                        spekeKeyProvider: p,
                      },
                    }
                  : {}),
              };
            if (type === "DASH")
              return {
                segmentDurationSeconds: r.seg,
                ...(r.dash ?? {}),
                ...(enc ? { encryption: { keyRotationIntervalSeconds: rotation, spekeKeyProvider: p } } : {}),
              };
            if (type === "CMAF") {
              const { useAudioRenditionGroup: _u, includeDvbSubtitles: _d, ...manifest } = r.hls ?? {};
              return {
                segmentDurationSeconds: r.seg,
                hlsManifests: [{ id: `${e.id}-hls`, ...manifest }],
                ...(enc
                  ? {
                      encryption: {
                        encryptionMethod: enc.method ?? "SAMPLE_AES",
                        keyRotationIntervalSeconds: rotation,
                        ...iv,
                        spekeKeyProvider: p,
                      },
                    }
                  : {}),
              };
            }
            return {
              segmentDurationSeconds: r.seg,
              ...(r.mss ?? {}),
              ...(enc ? { encryption: { spekeKeyProvider: p } } : {}),
            };
          }) as pulumi.Output<never>;
        const ep = new awsNative.mediapackage.OriginEndpoint(
          `${name}-${e.id}`,
          {
            awsId: e.id,
            channelId: channel.awsId,
            startoverWindowSeconds: c.apply((r) => r.startover) as pulumi.Output<number>,
            timeDelaySeconds: c.apply((r) => r.delay) as pulumi.Output<number>,
            ...(authorization ? { authorization } : {}),
            hlsPackage: block("HLS"),
            dashPackage: block("DASH"),
            cmafPackage: block("CMAF"),
            mssPackage: block("MSS"),
            tags,
          },
          opt,
        );
        playback[e.id] = ep.url;
      }
    }

    let group: awsNative.mediapackage.PackagingGroup | undefined;
    if (args.vod) {
      const groupId = checkInput(
        args.vod.packagingGroupId ?? `${name}-vod`,
        ID("MediaPackageV1Origin: vod.packagingGroupId"),
      );
      group = new awsNative.mediapackage.PackagingGroup(`${name}-vod`, { awsId: groupId, tags }, opt);
      for (const cfg of args.vod.configurations) {
        const c = checkedEndpoint(`MediaPackageV1Origin VOD configuration "${cfg.id}"`, cfg);
        const block = (type: Mp1PackageType) =>
          pulumi.all([c, speke.url, speke.roleArn]).apply(([r, url, roleArn]) => {
            if (r.type !== type) return undefined;
            const enc = r.enc;
            const provider = enc
              ? { url, roleArn, systemIds: enc.drmSystems.map((d) => mediaPackageSystemId(d)), ...contract(enc) }
              : undefined;
            if (type === "HLS")
              return {
                hlsManifests: [{}],
                ...(provider
                  ? { encryption: { encryptionMethod: enc!.method ?? "AES_128", spekeKeyProvider: provider } }
                  : {}),
              };
            if (type === "DASH")
              return { dashManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
            if (type === "CMAF")
              return { hlsManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
            return { mssManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
          }) as pulumi.Output<never>;
        new awsNative.mediapackage.PackagingConfiguration(
          `${name}-vod-${cfg.id}`,
          {
            awsId: cfg.id,
            packagingGroupId: group.awsId,
            hlsPackage: block("HLS"),
            dashPackage: block("DASH"),
            cmafPackage: block("CMAF"),
            mssPackage: block("MSS"),
            tags,
          },
          opt,
        );
      }
    }

    this.channelId = channel ? channel.awsId : pulumi.output(undefined);
    this.ingestEndpoints = channel ? pulumi.secret(channel.hlsIngest) : pulumi.output(undefined);
    this.playbackUrls = pulumi.all(playback);
    this.vodDomainName = group ? group.domainName : pulumi.output(undefined);
    this.registerOutputs({
      channelId: this.channelId,
      ingestEndpoints: this.ingestEndpoints,
      playbackUrls: this.playbackUrls,
      vodDomainName: this.vodDomainName,
      cdnAuth: this.cdnAuth,
      cdnIdentifierHeaderValue: this.cdnIdentifierHeaderValue,
    });
  }
}
