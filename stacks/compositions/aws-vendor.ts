/**
 * Live on AWS with a DRM vendor's key server: the same AWS_IAM SPEKE front door forwarding to the vendor with the
 * credential (a Pulumi secret, stored in Secrets Manager) added by the proxy function, and a MediaPackage v2 origin.
 */
import * as pulumi from "@pulumi/pulumi";
import { MediaPackageV2Origin, SpekeVendorProxy } from "../../components/aws";
import type { AwsSettings } from "../config";
import { mediaPackageEndpoints } from "./mediapackage";

export interface AwsVendorInputs {
  aws: AwsSettings;
  /** `{ key }` or `{ tenantId, managementKey }`, from the secret `keyplane:vendorCredential`. */
  credential: pulumi.Output<{ key?: string; tenantId?: string; managementKey?: string }>;
  tags: Record<string, string>;
}

export function awsVendor(name: string, i: AwsVendorInputs) {
  const v = i.aws.vendor;
  if (!v) throw new Error("aws.vendor is required");
  const proxy = new SpekeVendorProxy(`${name}-vendor`, {
    vendor: { preset: v.preset, url: v.url, ...(v.headerName ? { headerName: v.headerName } : {}) },
    credential: i.credential,
    mode: v.mode,
    logRetentionDays: i.aws.logRetentionDays,
    ...(i.aws.alarmTopicArn ? { alarmActions: [i.aws.alarmTopicArn] } : {}),
    tags: i.tags,
  });
  const origin = new MediaPackageV2Origin(`${name}-origin`, {
    channelGroupName: i.aws.mediaPackage.channelGroupName,
    channelName: i.aws.mediaPackage.channelName,
    inputType: i.aws.mediaPackage.inputType,
    speke: { url: proxy.url, roleArn: proxy.packagerRoleArn },
    endpoints: mediaPackageEndpoints(i.aws),
    tags: i.tags,
  });
  return { spekeUrl: proxy.url, ingestEndpointUrls: origin.ingestEndpointUrls, playbackUrls: origin.playbackUrls };
}
