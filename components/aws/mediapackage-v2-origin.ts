/**
 * MediaPackageV2Origin: a MediaPackage v2 channel group, channel (HLS or CMAF ingest, MQCS input switching, ingest
 * grant) and origin endpoints (CMAF with HLS / LL-HLS / DASH manifests; TS with HLS / LL-HLS; ISM with MSS), encrypted
 * with SPEKE v2 against a key provider (SpekeKeyServer or SpekeVendorProxy), readable by a CDN (header authorization,
 * CloudFront origin access). Values AWS would reject are refused before AWS sees them, with a message naming the
 * endpoint, the argument and the value (rules and ranges: mediapackage-v2-options.ts, docs/mediapackage.md).
 * Arguments: mediapackage-v2-args.ts; channel: mediapackage-v2-channel.ts; endpoints: mediapackage-v2-endpoint.ts.
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, shown } from "../shared/inputs";
import { keyValueTags } from "../shared/tags";
import { cdnAuthResources, checkDistributionArns, endpointPolicyStatements } from "./mediapackage-access";
import { checkSpekeProvider } from "./mediapackage-encryption";
import type {
  MediaPackageV2OriginArgs,
  Mp2EncryptionArgs,
  Mp2EndpointArgs,
  Mp2EndpointOutputs,
  Mp2ManifestUrls,
} from "./mediapackage-v2-args";
import { mp2ChannelResources } from "./mediapackage-v2-channel";
import { mp2EndpointInputs, validateMp2Endpoint, type Mp2EndpointOptions } from "./mediapackage-v2-endpoint";
import { NAME_RE } from "./mediapackage-v2-limits";
import { mp2Manifests } from "./mediapackage-v2-manifests";

export {
  MP2_MAX_KEY_ROTATION_SECONDS,
  MP2_MIN_KEY_ROTATION_SECONDS,
  mp2AllowedSystems,
} from "./mediapackage-v2-encryption";
export { validateMp2Endpoint } from "./mediapackage-v2-endpoint";
export type {
  MediaPackageV2OriginArgs,
  Mp2ChannelOptions,
  Mp2EncryptionArgs,
  Mp2EndpointArgs,
  Mp2EndpointOutputs,
  Mp2Existing,
  Mp2ManifestUrls,
  ResolvedMp2Endpoint,
} from "./mediapackage-v2-args";

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
    const opt = { parent: this };
    const tags = keyValueTags(args.tags);
    const channel = mp2ChannelResources(name, args, tags, opt);
    const groupName = channel.groupName;
    const channelName = channel.channelName;
    this.channelArn = channel.channelArn;
    this.ingestEndpointUrls = channel.ingestEndpointUrls;

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
