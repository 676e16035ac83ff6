/** Maps `keyplane:aws.mediaPackage` to MediaPackageV2Origin endpoints. */
import type { AudioPreset, Mp2EndpointArgs, VideoPreset } from "../../components/aws";
import type { AwsSettings } from "../config";

export function mediaPackageEndpoints(aws: AwsSettings): Mp2EndpointArgs[] {
  const mp = aws.mediaPackage;
  return mp.endpoints.map((e) => ({
    name: e.name,
    container: e.container,
    ...(e.hlsManifests ? { hlsManifests: e.hlsManifests } : {}),
    ...(e.dashManifests ? { dashManifests: e.dashManifests } : {}),
    ...(e.segmentDurationSeconds ? { segmentDurationSeconds: e.segmentDurationSeconds } : {}),
    encryption: {
      method: e.method,
      drmSystems: e.drmSystems,
      // The schema bounds the numbers (video 1..8, audio 1..3); the component spells them per API version.
      videoPreset: mp.videoPreset as VideoPreset,
      audioPreset: mp.audioPreset as AudioPreset,
      keyRotationIntervalSeconds: mp.rotationSeconds,
    },
  }));
}
