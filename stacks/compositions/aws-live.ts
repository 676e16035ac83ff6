/**
 * Live on AWS with Keyplane's own key exchange: SPEKE key server (AWS_IAM front door, seed in Secrets Manager),
 * key delivery / token / license API enforcing the stack's content key policy, and MediaPackage v2 and/or v1 origins
 * whose encrypted endpoints call our SPEKE server (with content key encryption when a certificate is configured).
 */
import type * as pulumi from "@pulumi/pulumi";
import { KeyDeliveryApi, SpekeKeyServer } from "keyplane/aws";
import type { ContentKeyPolicyInput } from "keyplane/policy";
import type { AwsSettings } from "../config";
import { mediaPackageOrigins } from "./mediapackage";

export interface AwsLiveInputs {
  aws: AwsSettings;
  keySeed?: pulumi.Output<string>;
  /** The secret `keyplane:spekePrivateKey` (with `aws.spekeCertificate`). */
  spekePrivateKey?: pulumi.Output<string>;
  checkPrivateKey?: boolean;
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
    contentKeyRegistry: keyServer.contentKeyRegistry,
    policies: [i.policy],
    defaultPolicy: i.policy.name,
    corsAllowOrigins: kd.corsAllowOrigins,
    ...(kd.throttle ? { throttle: kd.throttle } : {}),
    logRetentionDays: i.aws.logRetentionDays,
    ...(alarmActions ? { alarmActions } : {}),
    tags: i.tags,
  });
  const origins = mediaPackageOrigins(name, {
    aws: i.aws,
    speke: { url: keyServer.url, roleArn: keyServer.packagerRoleArn },
    ...(i.spekePrivateKey ? { spekePrivateKey: i.spekePrivateKey } : {}),
    ...(i.checkPrivateKey === false ? { checkPrivateKey: false } : {}),
    ...(alarmActions ? { alarmActions } : {}),
    tags: i.tags,
  });
  return {
    spekeUrl: keyServer.url,
    keySeedSecretArn: keyServer.keySeedSecretArn,
    keyDeliveryUrl: delivery.url,
    clearKeyLicenseUrl: delivery.clearKeyLicenseUrl,
    hlsKeyUrlTemplate: delivery.hlsKeyUrlTemplate,
    tokenUrl: delivery.tokenUrl,
    ...origins,
  };
}
