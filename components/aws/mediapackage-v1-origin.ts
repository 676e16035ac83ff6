/**
 * MediaPackageV1Origin: a MediaPackage (v1) live channel with HLS / DASH / CMAF / MSS origin endpoints and, for VOD,
 * a packaging group with packaging configurations, each encrypted through a SPEKE key provider.
 *
 * MediaPackage v1 takes DRM system ids (not names) and spells presets `PRESET-VIDEO-1`. With an encryption contract
 * (SPEKE v2 presets) it requires `keyRotationIntervalSeconds` = 0: the component forces it and refuses anything else.
 * Without presets (SPEKE v1) one key is used and rotation is allowed (default 0 here too). Arguments:
 * mediapackage-v1-args.ts; rules: mediapackage-v1-rules.ts; package blocks: mediapackage-v1-packages.ts.
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { checkInput } from "../shared/inputs";
import { keyValueTags } from "../shared/tags";
import { cdnAuthResources } from "./mediapackage-access";
import { checkSpekeProvider } from "./mediapackage-encryption";
import type { MediaPackageV1OriginArgs, Mp1EndpointArgs, Mp1PackageType } from "./mediapackage-v1-args";
import { mp1LivePackage, mp1SpekeKeyProvider, mp1VodPackage } from "./mediapackage-v1-packages";
import {
  checkId,
  checkMp1Endpoint,
  checkMp1VodConfiguration,
  ID_RE,
  type CheckedEndpoint,
} from "./mediapackage-v1-rules";

export {
  MP1_DRM_SYSTEMS,
  type MediaPackageV1OriginArgs,
  type Mp1DashOptions,
  type Mp1Drm,
  type Mp1EncryptionArgs,
  type Mp1EndpointArgs,
  type Mp1HlsOptions,
  type Mp1MssOptions,
  type Mp1PackageType,
  type Mp1VodConfigurationArgs,
} from "./mediapackage-v1-args";
export { mp1AllowedSystems, validateMp1Encryption, validateMp1Live } from "./mediapackage-v1-rules";

/** The four package blocks of an origin endpoint or a VOD packaging configuration (only the kind's is defined). */
function packageBlocks(block: (type: Mp1PackageType) => pulumi.Output<never>) {
  return { hlsPackage: block("HLS"), dashPackage: block("DASH"), cmafPackage: block("CMAF"), mssPackage: block("MSS") };
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
    const tags = keyValueTags(args.tags);

    // Validated now when plain, else when resolved (the messages name the endpoint and the value).
    const checkedEndpoint = (
      where: string,
      e: Partial<Omit<Mp1EndpointArgs, "id">> & Pick<Mp1EndpointArgs, "type">,
      check = checkMp1Endpoint,
    ) =>
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
        (r): CheckedEndpoint => check(where, r as CheckedEndpoint),
      ) as pulumi.Output<CheckedEndpoint>;

    let channel: awsNative.mediapackage.Channel | undefined;
    let authorization: pulumi.Output<{ cdnIdentifierSecret: string; secretsRoleArn: string }> | undefined;
    this.cdnAuth = pulumi.output(undefined);
    this.cdnIdentifierHeaderValue = pulumi.output(undefined);
    const playback: Record<string, pulumi.Output<string>> = {};
    if (endpoints.length) {
      const channelId = checkInput(args.channelId ?? name, checkId("MediaPackageV1Origin: channelId"));
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
        const provider = pulumi
          .all([c, speke.url, speke.roleArn])
          .apply(([r, url, roleArn]) =>
            r.enc
              ? mp1SpekeKeyProvider(
                  r.enc,
                  { url, roleArn },
                  { resourceId: r.enc.resourceId ?? e.id, certificateArn: r.enc.certificateArn },
                )
              : undefined,
          );
        const block = (type: Mp1PackageType) =>
          pulumi.all([c, provider]).apply(([r, p]) => mp1LivePackage(type, e.id, r, p)) as pulumi.Output<never>;
        const ep = new awsNative.mediapackage.OriginEndpoint(
          `${name}-${e.id}`,
          {
            awsId: e.id,
            channelId: channel.awsId,
            startoverWindowSeconds: c.apply((r) => r.startover) as pulumi.Output<number>,
            timeDelaySeconds: c.apply((r) => r.delay) as pulumi.Output<number>,
            ...(authorization ? { authorization } : {}),
            ...packageBlocks(block),
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
        checkId("MediaPackageV1Origin: vod.packagingGroupId"),
      );
      group = new awsNative.mediapackage.PackagingGroup(`${name}-vod`, { awsId: groupId, tags }, opt);
      for (const cfg of args.vod.configurations) {
        const c = checkedEndpoint(`MediaPackageV1Origin VOD configuration "${cfg.id}"`, cfg, checkMp1VodConfiguration);
        const block = (type: Mp1PackageType) =>
          pulumi
            .all([c, speke.url, speke.roleArn])
            .apply(([r, url, roleArn]) => mp1VodPackage(type, r, { url, roleArn })) as pulumi.Output<never>;
        new awsNative.mediapackage.PackagingConfiguration(
          `${name}-vod-${cfg.id}`,
          {
            awsId: cfg.id,
            packagingGroupId: group.awsId,
            ...packageBlocks(block),
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
