/**
 * MediaPackageV2Origin: a MediaPackage v2 channel group, channel (HLS or CMAF ingest, MQCS input switching, ingest
 * grant) and origin endpoints (CMAF with HLS / LL-HLS / DASH manifests; TS with HLS / LL-HLS; ISM with MSS), encrypted
 * with SPEKE v2 against a key provider (SpekeKeyServer or SpekeVendorProxy), readable by a CDN (header authorization,
 * CloudFront origin access). Values AWS would reject are refused before AWS sees them, with a message naming the
 * endpoint, the argument and the value (rules and ranges: mediapackage-v2-options.ts, docs/mediapackage.md).
 */
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, isKnownNow, shown } from "../shared/inputs";
import {
  cdnAuthResources,
  checkDistributionArns,
  checkRoleArns,
  endpointPolicyStatements,
  ingestPolicy,
  type Mp2AccessArgs,
} from "./mediapackage-access";
import { checkSpekeProvider, type AudioPreset, type Mp2DrmSystem, type VideoPreset } from "./mediapackage-encryption";
import {
  mp2EndpointInputs,
  mp2Manifests,
  validateMp2Endpoint,
  type Mp2Container,
  type Mp2DashManifestArgs,
  type Mp2EndpointOptions,
  type Mp2HlsManifestArgs,
  type Mp2Method,
  type Mp2MssManifestArgs,
  type Mp2ScteArgs,
} from "./mediapackage-v2-options";

const NAME_RE = /^[a-zA-Z0-9_-]{1,256}$/;

export {
  MP2_MAX_KEY_ROTATION_SECONDS,
  MP2_MIN_KEY_ROTATION_SECONDS,
  mp2AllowedSystems,
  validateMp2Endpoint,
} from "./mediapackage-v2-options";

export interface Mp2EncryptionArgs {
  drmSystems: pulumi.Input<pulumi.Input<Mp2DrmSystem>[]>;
  /** CMAF: CENC or CBCS. TS: AES_128 (Clear Key AES-128) or SAMPLE_AES (FairPlay). ISM: CENC (PlayReady). */
  method: pulumi.Input<Mp2Method>;
  videoPreset: pulumi.Input<VideoPreset>;
  audioPreset: pulumi.Input<AudioPreset>;
  /** Key rotation, 300 s to 1 year (MediaPackage v2). Default 300 for CMAF/TS; ISM takes none. */
  keyRotationIntervalSeconds?: pulumi.Input<number>;
  /** Constant IV: 32 hexadecimal characters. Default: MediaPackage picks one. Not with ISM. */
  constantInitializationVector?: pulumi.Input<string>;
  /** CMAF only: leave the SEIG/SGPD DRM boxes out of segments (PSSH and TENC stay). */
  excludeSegmentDrmMetadata?: pulumi.Input<boolean>;
  /** SPEKE resource id (content id). Default: the endpoint name. */
  resourceId?: pulumi.Input<string>;
  /** Content key encryption certificate (SpekeCertificate.certificateArn). */
  certificateArn?: pulumi.Input<string>;
}

export interface Mp2EndpointArgs {
  /**
   * Endpoint name. A plain string (not an Input): it names the child resource, and `endpoints` itself is a plain list
   * because its length decides how many endpoints exist. Every other field accepts an Input.
   */
  name: string;
  container: pulumi.Input<Mp2Container>;
  /**
   * HLS manifests: names or full settings. Default `["index"]` (CMAF, TS) unless low-latency HLS manifests are given;
   * `[]` for none.
   */
  hlsManifests?: pulumi.Input<pulumi.Input<string | Mp2HlsManifestArgs>[]>;
  /** Low-latency HLS manifests (CMAF, TS); names unique across HLS and LL-HLS. */
  lowLatencyHlsManifests?: pulumi.Input<pulumi.Input<string | Mp2HlsManifestArgs>[]>;
  /** DASH manifests (CMAF only). Default `["index"]` for CMAF unless low-latency HLS manifests are given. */
  dashManifests?: pulumi.Input<pulumi.Input<string | Mp2DashManifestArgs>[]>;
  /** Microsoft Smooth Streaming manifests (ISM only). Default `["index"]` for ISM. */
  mssManifests?: pulumi.Input<pulumi.Input<string | Mp2MssManifestArgs>[]>;
  /** Segment duration, 1..30 s. Default 6. */
  segmentDurationSeconds?: pulumi.Input<number>;
  segmentName?: pulumi.Input<string>;
  includeIframeOnlyStreams?: pulumi.Input<boolean>;
  scte?: pulumi.Input<Mp2ScteArgs>;
  /** TS only. */
  tsUseAudioRenditionGroup?: pulumi.Input<boolean>;
  /** TS only. */
  tsIncludeDvbSubtitles?: pulumi.Input<boolean>;
  /** Startover window, 60 s to 14 days (1,209,600 s). */
  startoverWindowSeconds?: pulumi.Input<number>;
  /** Conditions under which the endpoint answers with an error so a CDN fails over (STALE_MANIFEST ...). */
  forceEndpointErrorConditions?: pulumi.Input<
    pulumi.Input<NonNullable<Mp2EndpointOptions["forceEndpointErrorConditions"]>[number]>[]
  >;
  encryption?: pulumi.Input<Mp2EncryptionArgs>;
}

/** An existing MediaPackage v2 resource adopted by name: nothing is created for it. */
export interface Mp2Existing {
  existing: { name: pulumi.Input<string> };
}

export interface Mp2ChannelOptions {
  /** MQCS-based input switching between the two CMAF ingest endpoints (inputType CMAF only). */
  inputSwitching?: pulumi.Input<{ mqcs?: boolean; preferredInput?: 1 | 2 }>;
  /** Publish the MQCS in CMSD response headers to the CDN (inputType CMAF only). */
  publishMqcs?: pulumi.Input<boolean>;
  /** Roles that may push to the channel (e.g. the MediaLive channel's role): a ChannelPolicy granting mediapackagev2:PutObject. */
  ingestRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface MediaPackageV2OriginArgs {
  /** Name of the channel group to create. Default: the component name. Ignored with `channelGroup.existing`. */
  channelGroupName?: pulumi.Input<string>;
  /** Name of the channel to create. Default `<component name>-channel`. Ignored with `channel.existing`. */
  channelName?: pulumi.Input<string>;
  /**
   * Adopt an existing channel group (`{ existing: { name } }`): no ChannelGroup is created, the channel and endpoints
   * reference it. Default: create one.
   */
  channelGroup?: Mp2Existing;
  /**
   * Adopt an existing channel of that group (`{ existing: { name } }`; needs `channelGroup.existing`): no Channel is
   * created, the endpoints reference it and `ingestEndpointUrls` is read from it. Default: create one.
   */
  channel?: Partial<Mp2Existing> & Mp2ChannelOptions;
  /** HLS (default) or CMAF ingest. */
  inputType?: pulumi.Input<"HLS" | "CMAF">;
  /** The SPEKE key provider: URL and the role MediaPackage assumes (SpekeKeyServer / SpekeVendorProxy outputs). */
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  endpoints: Mp2EndpointArgs[];
  /** Who may read the endpoints: CDN authorization header secret and/or CloudFront distributions (endpoint policies). */
  access?: Mp2AccessArgs;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface Mp2EndpointOutputs {
  hls: string[];
  lowLatencyHls: string[];
  dash: string[];
  mss: string[];
}
/** Playback URL per manifest name, per manifest kind. */
export interface Mp2ManifestUrls {
  hls: Record<string, string>;
  lowLatencyHls: Record<string, string>;
  dash: Record<string, string>;
  mss: Record<string, string>;
}

/** An endpoint with every Input resolved (what `validateMp2Endpoint` checks). */
export type ResolvedMp2Endpoint = pulumi.Unwrap<Mp2EndpointArgs>;

function checkName(arg: string) {
  return (v: string): string => {
    if (typeof v !== "string" || !NAME_RE.test(v))
      throw new Error(`MediaPackageV2Origin: ${arg} ${shown(v)} must match ${NAME_RE}`);
    return v;
  };
}

/** The encryption fields that are validated, apart from the two references (resourceId, certificateArn) that are not. */
function splitEncryption(enc: pulumi.Input<Mp2EncryptionArgs> | undefined) {
  if (enc === undefined) return { checked: undefined, resourceId: undefined, certificateArn: undefined };
  if (pulumi.Output.isInstance(enc) || !isPlainObject(enc)) {
    const o = pulumi.output(enc as pulumi.Input<Mp2EncryptionArgs>);
    return {
      checked: o.apply(({ resourceId: _r, certificateArn: _c, ...rest }) => rest),
      resourceId: o.apply((x) => x.resourceId) as pulumi.Input<string | undefined>,
      certificateArn: o.apply((x) => x.certificateArn) as pulumi.Input<string | undefined>,
    };
  }
  const { resourceId, certificateArn, ...rest } = enc as Mp2EncryptionArgs;
  return { checked: rest, resourceId, certificateArn };
}
function isPlainObject(v: unknown): boolean {
  return !!v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
}
function byName(names: string[], urls: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const u = urls?.[i];
    if (u !== undefined) out[n] = u;
  });
  return out;
}

export class MediaPackageV2Origin extends pulumi.ComponentResource {
  readonly channelGroupName: pulumi.Output<string>;
  readonly channelName: pulumi.Output<string>;
  readonly channelArn: pulumi.Output<string>;
  /**
   * Where the encoder (MediaLive, Elemental Live...) pushes. MediaPackage v2 ingest is authorised with SigV4 and the
   * channel policy (`channel.ingestRoleArns`): the URLs carry no credential, so they are plain outputs.
   */
  readonly ingestEndpointUrls: pulumi.Output<string[]>;
  /** Playback URLs per endpoint name and manifest kind (in manifest order). */
  readonly playbackUrls: pulumi.Output<Record<string, Mp2EndpointOutputs>>;
  /** Playback URL per endpoint name, manifest kind and manifest name. */
  readonly manifestUrls: pulumi.Output<Record<string, Mp2ManifestUrls>>;
  /** Origin endpoint ARNs per endpoint name. */
  readonly endpointArns: pulumi.Output<Record<string, string>>;
  /** CDN authorization: the secret ARNs and the role MediaPackage reads them with (undefined without `access.cdnAuth`). */
  readonly cdnAuth: pulumi.Output<{ secretArns: string[]; roleArn: string } | undefined>;
  /** The CDN identifier header value when Keyplane created the secret: a secret output, to configure on the CDN. */
  readonly cdnIdentifierHeaderValue: pulumi.Output<string | undefined>;

  constructor(name: string, args: MediaPackageV2OriginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:MediaPackageV2Origin", name, {}, opts);
    const C = "MediaPackageV2Origin";
    if (!args?.speke?.url || !args.speke.roleArn) throw new Error(`${C}: speke.url and speke.roleArn are required`);
    if (!Array.isArray(args.endpoints) || args.endpoints.length === 0)
      throw new Error(`${C}: endpoints must list at least one endpoint`);
    const names = new Set<string>();
    for (const e of args.endpoints) {
      if (!e || typeof e.name !== "string" || !NAME_RE.test(e.name))
        throw new Error(
          `${C} endpoint ${shown(e?.name)}: name must match ${NAME_RE} (a plain string: it names the child resource)`,
        );
      if (names.has(e.name)) throw new Error(`${C}: endpoint name "${e.name}" is used twice`);
      names.add(e.name);
    }
    if (args.channel?.existing && !args.channelGroup?.existing) {
      throw new Error(
        `${C}: channel.existing needs channelGroup.existing (an existing channel lives in an existing channel group)`,
      );
    }
    if (
      args.channel?.existing &&
      (args.channel.inputSwitching !== undefined ||
        args.channel.publishMqcs !== undefined ||
        args.inputType !== undefined)
    ) {
      throw new Error(
        `${C}: inputType, channel.inputSwitching and channel.publishMqcs configure a created channel; an adopted channel (channel.existing) keeps its own`,
      );
    }
    const speke = checkSpekeProvider(C, args.speke);
    const inputType = checkInput(args.inputType ?? "HLS", (t) => {
      if (t !== "HLS" && t !== "CMAF") throw new Error(`${C}: inputType must be HLS or CMAF (got ${shown(t)})`);
      return t;
    });
    const opt = { parent: this };
    const tags = pulumi.output(args.tags ?? {}).apply((t) => Object.entries(t).map(([key, value]) => ({ key, value })));

    let groupName: pulumi.Output<string>;
    if (args.channelGroup?.existing) {
      groupName = checkInput(args.channelGroup.existing.name, checkName("channelGroup.existing.name"));
    } else {
      const wanted = checkInput(args.channelGroupName ?? name, checkName("channelGroupName"));
      const group = new awsNative.mediapackagev2.ChannelGroup(
        `${name}-group`,
        { channelGroupName: wanted, description: "Keyplane channel group", tags },
        opt,
      );
      groupName = group.channelGroupName;
    }
    let channelName: pulumi.Output<string>;
    if (args.channel?.existing) {
      channelName = checkInput(args.channel.existing.name, checkName("channel.existing.name"));
      const region = aws.getRegionOutput({}, opt);
      const identity = aws.getCallerIdentityOutput({}, opt);
      const arn = pulumi.interpolate`arn:${identity.arn.apply((a) => a.split(":")[1] ?? "aws")}:mediapackagev2:${region.region}:${identity.accountId}:channelGroup/${groupName}/channel/${channelName}`;
      this.channelArn = arn;
      this.ingestEndpointUrls = awsNative.mediapackagev2
        .getChannelOutput({ arn }, opt)
        .apply((c) => c.ingestEndpointUrls ?? []);
    } else {
      const wanted = checkInput(args.channelName ?? `${name}-channel`, checkName("channelName"));
      const ch = args.channel ?? {};
      const cmafOnly = (arg: string) => (t: string) => {
        if (t !== "CMAF")
          throw new Error(`${C}: ${arg} needs inputType CMAF (MQCS comes with CMAF ingest; got inputType ${shown(t)})`);
      };
      const inputSwitchConfiguration =
        ch.inputSwitching === undefined
          ? undefined
          : pulumi
              .all([
                checkInput(ch.inputSwitching, (v) => {
                  if (!v || typeof v !== "object")
                    throw new Error(`${C}: channel.inputSwitching must be an object (got ${shown(v)})`);
                  if (v.preferredInput !== undefined && v.preferredInput !== 1 && v.preferredInput !== 2)
                    throw new Error(
                      `${C}: channel.inputSwitching.preferredInput must be 1 or 2 (got ${shown(v.preferredInput)})`,
                    );
                  return v;
                }),
                inputType,
              ])
              .apply(([v, t]) => {
                cmafOnly("channel.inputSwitching")(t);
                return {
                  ...(v.mqcs !== undefined ? { mqcsInputSwitching: v.mqcs } : {}),
                  ...(v.preferredInput !== undefined ? { preferredInput: v.preferredInput } : {}),
                };
              });
      const outputHeaderConfiguration =
        ch.publishMqcs === undefined
          ? undefined
          : pulumi
              .all([
                checkInput(ch.publishMqcs, (v) => {
                  if (typeof v !== "boolean")
                    throw new Error(`${C}: channel.publishMqcs must be true or false (got ${shown(v)})`);
                  return v;
                }),
                inputType,
              ])
              .apply(([v, t]) => {
                if (v) cmafOnly("channel.publishMqcs")(t);
                return { publishMqcs: v };
              });
      // Both checks also run synchronously when every value is known (plan-time message, no apply needed).
      if (isKnownNow(args.inputType)) {
        const t = (args.inputType ?? "HLS") as string;
        if (ch.inputSwitching !== undefined && isKnownNow(ch.inputSwitching)) cmafOnly("channel.inputSwitching")(t);
        if (ch.publishMqcs === true) cmafOnly("channel.publishMqcs")(t);
      }
      const channel = new awsNative.mediapackagev2.Channel(
        `${name}-channel`,
        {
          channelGroupName: groupName,
          channelName: wanted,
          inputType,
          ...(inputSwitchConfiguration ? { inputSwitchConfiguration } : {}),
          ...(outputHeaderConfiguration ? { outputHeaderConfiguration } : {}),
          description: "Keyplane channel",
          tags,
        },
        opt,
      );
      channelName = channel.channelName;
      this.channelArn = channel.arn;
      this.ingestEndpointUrls = channel.ingestEndpointUrls;
    }
    if (args.channel?.ingestRoleArns !== undefined) {
      const roles = checkRoleArns(C, "channel.ingestRoleArns", args.channel.ingestRoleArns);
      new awsNative.mediapackagev2.ChannelPolicy(
        `${name}-channel-policy`,
        {
          channelGroupName: groupName,
          channelName,
          policy: pulumi.all([this.channelArn, roles]).apply(([arn, r]) => ingestPolicy(arn, r)),
        },
        opt,
      );
    }

    // Endpoint access (CDN authorization, CloudFront origin access).
    const access = args.access ?? {};
    const cdn = access.cdnAuth ? cdnAuthResources(C, name, access.cdnAuth, opt, args.tags) : undefined;
    const distributions =
      access.cloudFrontDistributionArns === undefined
        ? undefined
        : checkDistributionArns(C, access.cloudFrontDistributionArns);

    const playback: Record<string, pulumi.Output<Mp2EndpointOutputs>> = {};
    const manifestUrls: Record<string, pulumi.Output<Mp2ManifestUrls>> = {};
    const endpointArns: Record<string, pulumi.Output<string>> = {};
    for (const e of args.endpoints) {
      const split = splitEncryption(e.encryption);
      const { encryption: _enc, ...rest } = e;
      const checked = checkInput({ ...rest, encryption: split.checked } as pulumi.Input<Mp2EndpointArgs>, (r) => {
        validateMp2Endpoint(r as unknown as Mp2EndpointOptions);
        return r as unknown as Mp2EndpointOptions;
      }) as pulumi.Output<Mp2EndpointOptions>;
      const inputs = pulumi
        .all([checked, speke.url, speke.roleArn, split.resourceId, split.certificateArn])
        .apply(([r, url, roleArn, resourceId, certificateArn]) =>
          mp2EndpointInputs(r, { url, roleArn, resourceId: resourceId ?? e.name, certificateArn }),
        );
      const field = <K extends keyof ReturnType<typeof mp2EndpointInputs>>(k: K) =>
        inputs.apply((i) => i[k]) as pulumi.Output<NonNullable<ReturnType<typeof mp2EndpointInputs>[K]>>;
      const endpoint = new awsNative.mediapackagev2.OriginEndpoint(
        `${name}-${e.name}`,
        {
          channelGroupName: groupName,
          channelName,
          originEndpointName: e.name,
          containerType: field("containerType"),
          segment: field("segment"),
          hlsManifests: field("hlsManifests"),
          lowLatencyHlsManifests: field("lowLatencyHlsManifests"),
          dashManifests: field("dashManifests"),
          mssManifests: field("mssManifests"),
          startoverWindowSeconds: field("startoverWindowSeconds"),
          forceEndpointErrorConfiguration: field("forceEndpointErrorConfiguration"),
          tags,
        },
        opt,
      );
      if (cdn || distributions) {
        new awsNative.mediapackagev2.OriginEndpointPolicy(
          `${name}-${e.name}-policy`,
          {
            channelGroupName: groupName,
            channelName,
            originEndpointName: endpoint.originEndpointName,
            policy: pulumi.all([endpoint.arn, distributions ?? []]).apply(([arn, d]) => ({
              Version: "2012-10-17",
              Statement: endpointPolicyStatements(arn, { cdnAuth: !!cdn, distributionArns: d }),
            })),
            ...(cdn
              ? { cdnAuthConfiguration: { cdnIdentifierSecretArns: cdn.secretArns, secretsRoleArn: cdn.roleArn } }
              : {}),
          },
          opt,
        );
      }
      const urls = pulumi.all([
        endpoint.hlsManifestUrls,
        endpoint.lowLatencyHlsManifestUrls,
        endpoint.dashManifestUrls,
        endpoint.mssManifestUrls,
      ]);
      playback[e.name] = urls.apply(([h, l, d, m]) => ({
        hls: h ?? [],
        lowLatencyHls: l ?? [],
        dash: d ?? [],
        mss: m ?? [],
      }));
      manifestUrls[e.name] = pulumi.all([checked, urls]).apply(([r, [h, l, d, m]]) => {
        const n = mp2Manifests(r);
        const names = (x: { name: string }[]) => x.map((y) => y.name);
        return {
          hls: byName(names(n.hls), h),
          lowLatencyHls: byName(names(n.llHls), l),
          dash: byName(names(n.dash), d),
          mss: byName(names(n.mss), m),
        };
      });
      endpointArns[e.name] = endpoint.arn;
    }

    this.channelGroupName = groupName;
    this.channelName = channelName;
    this.playbackUrls = pulumi.all(playback);
    this.manifestUrls = pulumi.all(manifestUrls);
    this.endpointArns = pulumi.all(endpointArns);
    this.cdnAuth = cdn
      ? pulumi.all([cdn.secretArns, cdn.roleArn]).apply(([secretArns, roleArn]) => ({ secretArns, roleArn }))
      : pulumi.output(undefined);
    this.cdnIdentifierHeaderValue = cdn?.headerValue ? pulumi.secret(cdn.headerValue) : pulumi.output(undefined);
    this.registerOutputs({
      channelGroupName: this.channelGroupName,
      channelName: this.channelName,
      channelArn: this.channelArn,
      ingestEndpointUrls: this.ingestEndpointUrls,
      playbackUrls: this.playbackUrls,
      manifestUrls: this.manifestUrls,
      endpointArns: this.endpointArns,
      cdnAuth: this.cdnAuth,
      cdnIdentifierHeaderValue: this.cdnIdentifierHeaderValue,
    });
  }
}
