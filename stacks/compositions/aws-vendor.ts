/**
 * Live on AWS with a DRM vendor's key server: the same AWS_IAM SPEKE front door forwarding to the vendor with the
 * credential (a Pulumi secret, stored in Secrets Manager) added by the proxy function, and MediaPackage v2 and/or v1
 * origins (content key encryption with `aws.spekeCertificate`, if the vendor supports it).
 */
import type * as pulumi from "@pulumi/pulumi";
import { SpekeVendorProxy } from "keyplane/aws";
import type { AwsSettings } from "../config";
import { mediaPackageOrigins } from "./mediapackage";
import type { VendorCredential } from "keyplane/core";

export interface AwsVendorInputs {
  aws: AwsSettings;
  /** `{ username, password }` (EZDRM), `{ tenantId, managementKey }` (Axinom) or `{ key }`, from the secret `keyplane:vendorCredential`. */
  credential: pulumi.Output<VendorCredential>;
  spekePrivateKey?: pulumi.Output<string>;
  checkPrivateKey?: boolean;
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
  const origins = mediaPackageOrigins(name, {
    aws: i.aws,
    speke: { url: proxy.url, roleArn: proxy.packagerRoleArn },
    ...(i.spekePrivateKey ? { spekePrivateKey: i.spekePrivateKey } : {}),
    ...(i.checkPrivateKey === false ? { checkPrivateKey: false } : {}),
    ...(i.aws.alarmTopicArn ? { alarmActions: [i.aws.alarmTopicArn] } : {}),
    tags: i.tags,
  });
  return { spekeUrl: proxy.url, ...origins };
}
