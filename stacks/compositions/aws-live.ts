/**
 * Live on AWS with Keyplane's own key exchange: SPEKE key server (AWS_IAM front door, seed in Secrets Manager),
 * key delivery / token / license API enforcing the stack's content key policy, and a MediaPackage v2 origin whose
 * encrypted endpoints call our SPEKE server.
 */
import * as pulumi from "@pulumi/pulumi";
import { KeyDeliveryApi, MediaPackageV2Origin, SpekeKeyServer } from "../../components/aws";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import type { AwsSettings } from "../config";
import { mediaPackageEndpoints } from "./mediapackage";

export interface AwsLiveInputs {
  aws: AwsSettings;
  keySeed?: pulumi.Output<string>;
  policy: ContentKeyPolicyInput;
  tags: Record<string, string>;
}

export function awsLive(name: string, i: AwsLiveInputs) {
  const alarmActions = i.aws.alarmTopicArn ? [i.aws.alarmTopicArn] : undefined;
  const keyServer = new SpekeKeyServer(`${name}-keys`, {
    ...(i.keySeed ? { keySeed: i.keySeed } : {}),
    logRetentionDays: i.aws.logRetentionDays,
    ...(alarmActions ? { alarmActions } : {}),
    tags: i.tags,
  });
  const kd = i.aws.keyDelivery;
  if (!kd) throw new Error("aws.keyDelivery is required");
  const delivery = new KeyDeliveryApi(`${name}-delivery`, {
    keySeedSecretArn: keyServer.keySeedSecretArn,
    policies: [i.policy],
    defaultPolicy: i.policy.name,
    corsAllowOrigins: kd.corsAllowOrigins,
    ...(kd.throttle ? { throttle: kd.throttle } : {}),
    logRetentionDays: i.aws.logRetentionDays,
    ...(alarmActions ? { alarmActions } : {}),
    tags: i.tags,
  });
  const origin = new MediaPackageV2Origin(`${name}-origin`, {
    channelGroupName: i.aws.mediaPackage.channelGroupName,
    channelName: i.aws.mediaPackage.channelName,
    inputType: i.aws.mediaPackage.inputType,
    speke: { url: keyServer.url, roleArn: keyServer.packagerRoleArn },
    endpoints: mediaPackageEndpoints(i.aws),
    tags: i.tags,
  });
  return {
    spekeUrl: keyServer.url,
    keySeedSecretArn: keyServer.keySeedSecretArn,
    keyDeliveryUrl: delivery.url,
    clearKeyLicenseUrl: delivery.clearKeyLicenseUrl,
    hlsKeyUrlTemplate: delivery.hlsKeyUrlTemplate,
    tokenUrl: delivery.tokenUrl,
    ingestEndpointUrls: origin.ingestEndpointUrls,
    playbackUrls: origin.playbackUrls,
  };
}
