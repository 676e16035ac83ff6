/**
 * Maps `keyplane:aws.mediaPackage` to MediaPackageV2Origin endpoints, `keyplane:aws.mediaPackageV1` to
 * MediaPackageV1Origin args, and `keyplane:aws.spekeCertificate` to a SpekeCertificate, so aws-live and aws-vendor
 * build the same origins against whichever SPEKE URL they have.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  MediaPackageV1Origin,
  MediaPackageV2Origin,
  SpekeCertificate,
  type AudioPreset,
  type MediaPackageV1OriginArgs,
  type Mp1EncryptionArgs,
  type Mp2EndpointArgs,
  type VideoPreset,
} from "keyplane/aws";
import { mp1Presets, type AwsSettings } from "../config";

export function mediaPackageEndpoints(aws: AwsSettings, certificateArn?: pulumi.Input<string>): Mp2EndpointArgs[] {
  const mp = aws.mediaPackage;
  if (!mp) return [];
  return mp.endpoints.map((e) => ({
    name: e.name,
    container: e.container,
    ...(e.hlsManifests ? { hlsManifests: e.hlsManifests } : {}),
    ...(e.dashManifests ? { dashManifests: e.dashManifests } : {}),
    ...(e.lowLatencyHlsManifests ? { lowLatencyHlsManifests: e.lowLatencyHlsManifests } : {}),
    ...(e.segmentDurationSeconds ? { segmentDurationSeconds: e.segmentDurationSeconds } : {}),
    ...(e.startoverWindowSeconds !== undefined ? { startoverWindowSeconds: e.startoverWindowSeconds } : {}),
    encryption: {
      method: e.method,
      drmSystems: e.drmSystems,
      // The schema bounds the numbers (video 1..8, audio 1..3); the component spells them per API version.
      videoPreset: mp.videoPreset as VideoPreset,
      audioPreset: mp.audioPreset as AudioPreset,
      keyRotationIntervalSeconds: mp.rotationSeconds,
      ...(certificateArn ? { certificateArn } : {}),
    },
  }));
}

type Mp1Settings = NonNullable<AwsSettings["mediaPackageV1"]>;
type Mp1Item = Mp1Settings["endpoints"][number] | NonNullable<Mp1Settings["vod"]>["configurations"][number];

function mp1Encryption(mp: Mp1Settings, e: Mp1Item, vod = false): Mp1EncryptionArgs {
  const p = mp1Presets(mp, e, vod);
  return {
    drmSystems: e.drmSystems,
    ...(e.method ? { method: e.method } : {}),
    // Validated together by the schema: both or neither, SHARED on both sides, never both UNENCRYPTED.
    ...(p.videoPreset !== undefined && p.audioPreset !== undefined
      ? { videoPreset: p.videoPreset as VideoPreset, audioPreset: p.audioPreset as AudioPreset }
      : {}),
  };
}

export function mediaPackageV1Args(
  aws: AwsSettings,
  speke: MediaPackageV1OriginArgs["speke"],
  tags: Record<string, string>,
  certificateArn?: pulumi.Input<string>,
): MediaPackageV1OriginArgs | undefined {
  const mp = aws.mediaPackageV1;
  if (!mp) return undefined;
  return {
    speke,
    ...(mp.channelId ? { channelId: mp.channelId } : {}),
    ...(mp.endpoints.length
      ? {
          endpoints: mp.endpoints.map((e) => {
            const enc = mp1Encryption(mp, e);
            return {
              id: e.id,
              type: e.type,
              ...(e.segmentDurationSeconds ? { segmentDurationSeconds: e.segmentDurationSeconds } : {}),
              ...(e.startoverWindowSeconds !== undefined ? { startoverWindowSeconds: e.startoverWindowSeconds } : {}),
              ...(e.timeDelaySeconds !== undefined ? { timeDelaySeconds: e.timeDelaySeconds } : {}),
              encryption: {
                ...enc,
                // With presets MediaPackage v1 needs 0 (the component writes it); SPEKE v1 keeps the configured rotation.
                keyRotationIntervalSeconds: enc.videoPreset !== undefined ? 0 : (e.keyRotationIntervalSeconds ?? 0),
                // MSS takes no content key encryption certificate.
                ...(certificateArn && e.type !== "MSS" ? { certificateArn } : {}),
              },
            };
          }),
        }
      : {}),
    ...(mp.vod
      ? {
          vod: {
            ...(mp.vod.packagingGroupId ? { packagingGroupId: mp.vod.packagingGroupId } : {}),
            configurations: mp.vod.configurations.map((c) => ({
              id: c.id,
              type: c.type,
              encryption: mp1Encryption(mp, c, true),
            })),
          },
        }
      : {}),
    ...(mp.cdnAuth ? { cdnAuth: {} } : {}),
    tags,
  };
}

export interface OriginInputs {
  aws: AwsSettings;
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  /** The secret `keyplane:spekePrivateKey`; required with `aws.spekeCertificate`. */
  spekePrivateKey?: pulumi.Output<string>;
  /** False only in the offline review, whose placeholder cannot match the certificate. */
  checkPrivateKey?: boolean;
  alarmActions?: string[];
  tags: Record<string, string>;
}

/** The certificate (when configured) and the MediaPackage v2 and/or v1 origins, all on the same SPEKE key provider. */
export function mediaPackageOrigins(name: string, i: OriginInputs) {
  const c = i.aws.spekeCertificate;
  let certificate: SpekeCertificate | undefined;
  if (c) {
    if (!i.spekePrivateKey) throw new Error("keyplane:spekePrivateKey is required with keyplane:aws.spekeCertificate");
    certificate = new SpekeCertificate(`${name}-speke-cert`, {
      certificateBody: c.certificatePem,
      privateKey: i.spekePrivateKey,
      ...(c.certificateChain ? { certificateChain: c.certificateChain } : {}),
      alarmDaysBeforeExpiry: c.alarmDaysBeforeExpiry,
      ...(i.checkPrivateKey === false ? { checkPrivateKey: false } : {}),
      logRetentionDays: i.aws.logRetentionDays,
      ...(i.alarmActions ? { alarmActions: i.alarmActions } : {}),
      tags: i.tags,
    });
  }
  const certificateArn = certificate?.certificateArn;
  const mp = i.aws.mediaPackage;
  const v2 = mp
    ? new MediaPackageV2Origin(`${name}-origin`, {
        channelGroupName: mp.channelGroupName,
        channelName: mp.channelName,
        inputType: mp.inputType,
        ...(mp.ingestRoleArns ? { channel: { ingestRoleArns: mp.ingestRoleArns } } : {}),
        ...(mp.cdnAuth || mp.cloudFrontDistributionArns
          ? {
              access: {
                ...(mp.cdnAuth ? { cdnAuth: {} } : {}),
                ...(mp.cloudFrontDistributionArns ? { cloudFrontDistributionArns: mp.cloudFrontDistributionArns } : {}),
              },
            }
          : {}),
        speke: i.speke,
        endpoints: mediaPackageEndpoints(i.aws, certificateArn),
        tags: i.tags,
      })
    : undefined;
  const v1Args = mediaPackageV1Args(i.aws, i.speke, i.tags, certificateArn);
  const v1 = v1Args ? new MediaPackageV1Origin(`${name}-origin-v1`, v1Args) : undefined;
  return {
    ...(certificate
      ? { spekeCertificateArn: certificate.certificateArn, spekeCertificateNotAfter: certificate.notAfter }
      : {}),
    ...(v2 ? { ingestEndpointUrls: v2.ingestEndpointUrls, playbackUrls: v2.playbackUrls } : {}),
    ...(v1
      ? {
          v1ChannelId: v1.channelId,
          v1IngestEndpoints: v1.ingestEndpoints,
          v1PlaybackUrls: v1.playbackUrls,
          v1VodDomainName: v1.vodDomainName,
        }
      : {}),
  };
}
