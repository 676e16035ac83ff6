/** IAM policy documents as typed data, so components build them one way and tests can parse and check them. */
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]> | "*";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** Serialises a policy whose values may be Outputs. */
export function policyJson(doc: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
  return pulumi.output(doc).apply((d) => JSON.stringify(d));
}

/** Trust policy for AWS services, optionally pinned to the caller's account (confused-deputy protection). */
export function serviceTrustPolicy(services: string[], sourceAccount?: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(sourceAccount).apply((account) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: services.length === 1 ? services[0] : services },
          Action: "sts:AssumeRole",
          ...(account ? { Condition: { StringEquals: { "aws:SourceAccount": account } } } : {}),
        },
      ],
    }),
  );
}

/** The services that call a SPEKE key server with SigV4 (AWS SPEKE docs, "Authentication for AWS cloud implementations"). */
export const PACKAGER_SERVICES = [
  "mediapackage.amazonaws.com",
  "mediapackagev2.amazonaws.com",
  "mediaconvert.amazonaws.com",
];

/** `Allow` one action on one resource (an ARN that may be an Output): the shape of most function-role statements. */
export function allowOn(sid: string, action: string, resource: pulumi.Input<string>): pulumi.Output<PolicyStatement> {
  return pulumi
    .output(resource)
    .apply((arn): PolicyStatement => ({ Sid: sid, Effect: "Allow", Action: action, Resource: arn }));
}

/**
 * `kms:Decrypt` with a customer managed key, only when Secrets Manager asks on the role's behalf (`kms:ViaService`,
 * AWS KMS condition keys): what reading a secret encrypted with that key needs, and nothing more.
 */
export function kmsDecryptViaSecretsManager(
  sid: string,
  kmsKeyArn: pulumi.Input<string>,
  region: pulumi.Input<string>,
): pulumi.Output<PolicyStatement> {
  return pulumi.all([kmsKeyArn, region]).apply(
    ([k, r]): PolicyStatement => ({
      Sid: sid,
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: k,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${r}.amazonaws.com` } },
    }),
  );
}
