/**
 * Who may read a MediaPackage origin and who may push to it.
 *
 * - CDN authorization (MediaPackage v2 user guide, "CDN authorization" / "Configure MediaPackage CDN authorization
 *   setup"): the CDN sends `X-MediaPackageV2-CDNIdentifier: <value>`; the value (8..256 characters, UUID v4
 *   recommended) lives in Secrets Manager as `{"MediaPackageV2CDNIdentifier": "<value>"}`; MediaPackage reads it
 *   with a role it assumes (`mediapackagev2.amazonaws.com`). The endpoint policy admits requests whose header matches
 *   (`mediapackagev2:RequestHasMatchingCdnAuthHeader`).
 * - CloudFront origin access control (CloudFront developer guide, "Restrict access to a MediaPackage v2 origin"):
 *   the endpoint policy admits `cloudfront.amazonaws.com` for `mediapackagev2:GetObject` / `GetHeadObject` when
 *   `aws:SourceArn` is the distribution ARN.
 * - Ingest: a channel policy admitting an encoder role (e.g. MediaLive's) for `mediapackagev2:PutObject`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { checkInput, shown } from "../shared/inputs";
import { policyJson, serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./iam";

/** The header a CDN sends (MediaPackage v2 CDN authorization). */
export const CDN_IDENTIFIER_HEADER = "X-MediaPackageV2-CDNIdentifier";
/** The JSON key of the Secrets Manager secret holding the header value. */
export const CDN_IDENTIFIER_SECRET_KEY = "MediaPackageV2CDNIdentifier";

const SECRET_ARN_RE = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/;
const ROLE_ARN_RE = /^arn:[a-z-]+:iam::\d{12}:role\/\S+$/;
const DISTRIBUTION_ARN_RE = /^arn:[a-z-]+:cloudfront::\d{12}:distribution\/[A-Z0-9]+$/;
const KMS_ARN_RE = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/\S+$/;

export interface Mp2CdnAuthArgs {
  /**
   * Adopt existing secrets (1..100 ARNs), each `{"MediaPackageV2CDNIdentifier": "<header value>"}`. Default: create
   * one secret holding `headerValue`.
   */
  existingSecretArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** The header value to store (8..256 characters; pass a Pulumi secret). Default: a random UUID v4. */
  headerValue?: pulumi.Input<string>;
  /** The role MediaPackage assumes to read the secrets. Default: create one (trust `mediapackagev2.amazonaws.com`). */
  secretsRoleArn?: pulumi.Input<string>;
  /** Customer-managed KMS key for the created secret (and kms:Decrypt for the created role). */
  kmsKeyArn?: pulumi.Input<string>;
  /** Secrets Manager recovery window for the created secret (0 or 7..30 days). Default 30. */
  recoveryWindowInDays?: number;
}

export interface Mp2AccessArgs {
  /** Header-based CDN authorization on every endpoint of the origin. */
  cdnAuth?: Mp2CdnAuthArgs;
  /** CloudFront distributions (ARNs) admitted through origin access control on every endpoint. */
  cloudFrontDistributionArns?: pulumi.Input<pulumi.Input<string>[]>;
}

function arns(component: string, arg: string, re: RegExp, what: string, min: number, max: number) {
  return (v: string[]): string[] => {
    if (!Array.isArray(v) || v.length < min || v.length > max)
      throw new Error(`${component}: ${arg} must list ${min} to ${max} ${what}s (got ${shown(v)})`);
    for (const a of v)
      if (typeof a !== "string" || !re.test(a))
        throw new Error(`${component}: ${arg} ${shown(a)} is not a valid ${what}`);
    return v;
  };
}
export function checkArn(component: string, arg: string, re: RegExp, what: string) {
  return (a: string): string => {
    if (typeof a !== "string" || !re.test(a))
      throw new Error(`${component}: ${arg} ${shown(a)} is not a valid ${what}`);
    return a;
  };
}
export { DISTRIBUTION_ARN_RE, ROLE_ARN_RE, SECRET_ARN_RE };

export interface CdnAuthResources {
  secretArns: pulumi.Output<string[]>;
  roleArn: pulumi.Output<string>;
  /** The header value when Keyplane created the secret (a secret output), to configure on the CDN. */
  headerValue?: pulumi.Output<string>;
}

/** Creates (or adopts) the CDN identifier secret and the role MediaPackage reads it with. */
export function cdnAuthResources(
  component: string,
  name: string,
  a: Mp2CdnAuthArgs,
  opt: pulumi.CustomResourceOptions,
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>,
  version: 1 | 2 = 2,
): CdnAuthResources {
  // MediaPackage v1 ("CDN authorization in AWS Elemental MediaPackage"): header X-MediaPackage-CDNIdentifier, secret key
  // MediaPackageCDNIdentifier, role assumed by mediapackage.amazonaws.com, one secret per endpoint.
  const header = version === 2 ? CDN_IDENTIFIER_HEADER : "X-MediaPackage-CDNIdentifier";
  const key = version === 2 ? CDN_IDENTIFIER_SECRET_KEY : "MediaPackageCDNIdentifier";
  const service = version === 2 ? "mediapackagev2.amazonaws.com" : "mediapackage.amazonaws.com";
  const maxSecrets = version === 2 ? 100 : 1;
  if (a.existingSecretArns !== undefined && a.headerValue !== undefined)
    throw new Error(`${component}: cdnAuth takes existingSecretArns or headerValue, not both`);
  const kms =
    a.kmsKeyArn === undefined
      ? undefined
      : checkInput(a.kmsKeyArn, checkArn(component, "cdnAuth.kmsKeyArn", KMS_ARN_RE, "KMS key ARN"));
  const rw = a.recoveryWindowInDays ?? 30;
  if (!Number.isInteger(rw) || (rw !== 0 && (rw < 7 || rw > 30)))
    throw new Error(`${component}: cdnAuth.recoveryWindowInDays must be 0 or 7..30 (got ${shown(rw)})`);
  let secretArns: pulumi.Output<string[]>;
  let headerValue: pulumi.Output<string> | undefined;
  if (a.existingSecretArns !== undefined) {
    secretArns = checkInput(
      a.existingSecretArns,
      arns(component, "cdnAuth.existingSecretArns", SECRET_ARN_RE, "Secrets Manager secret ARN", 1, maxSecrets),
    ) as pulumi.Output<string[]>;
  } else {
    const value =
      a.headerValue !== undefined
        ? pulumi.secret(
            checkInput(a.headerValue, (v) => {
              // The value itself never appears in the message (it is a credential); only its length.
              if (typeof v !== "string" || v.length < 8 || v.length > 256)
                throw new Error(
                  `${component}: cdnAuth.headerValue must be 8 to 256 characters (got ${typeof v === "string" ? `${v.length} characters` : typeof v})`,
                );
              return v;
            }),
          )
        : pulumi.secret(new random.RandomUuid(`${name}-cdn-identifier`, {}, opt).result);
    const secret = new aws.secretsmanager.Secret(
      `${name}-cdn-identifier`,
      {
        description: `MediaPackage CDN authorization: the ${header} header value (JSON key ${key}).`,
        recoveryWindowInDays: rw,
        ...(kms ? { kmsKeyId: kms } : {}),
        ...(tags ? { tags } : {}),
      },
      opt,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-cdn-identifier`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(value.apply((v) => JSON.stringify({ [key]: v }))),
      },
      { ...opt, additionalSecretOutputs: ["secretString"] },
    );
    secretArns = secret.arn.apply((x) => [x]);
    headerValue = value;
  }
  let roleArn: pulumi.Output<string>;
  if (a.secretsRoleArn !== undefined) {
    roleArn = checkInput(a.secretsRoleArn, checkArn(component, "cdnAuth.secretsRoleArn", ROLE_ARN_RE, "IAM role ARN"));
  } else {
    const identity = aws.getCallerIdentityOutput({}, opt);
    const region = aws.getRegionOutput({}, opt);
    const role = new aws.iam.Role(
      `${name}-cdn-auth`,
      {
        description: "MediaPackage reads the CDN authorization secret with this role",
        assumeRolePolicy: serviceTrustPolicy([service], identity.accountId),
        ...(tags ? { tags } : {}),
      },
      opt,
    );
    const doc = pulumi.all([secretArns, kms, region.region]).apply(([s, k, r]): PolicyDocument => {
      const statements: PolicyStatement[] = [
        {
          Sid: "ReadCdnIdentifierSecrets",
          Effect: "Allow",
          Action: [
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret",
            "secretsmanager:ListSecretVersionIds",
          ],
          Resource: s,
        },
      ];
      if (k)
        statements.push({
          Sid: "DecryptViaSecretsManager",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: k,
          Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${r}.amazonaws.com` } },
        });
      return { Version: "2012-10-17", Statement: statements };
    });
    new aws.iam.RolePolicy(`${name}-cdn-auth`, { role: role.name, policy: policyJson(doc) }, opt);
    roleArn = role.arn;
  }
  return { secretArns, roleArn, ...(headerValue ? { headerValue } : {}) };
}

/** The origin endpoint policy statements for CDN authorization and CloudFront origin access. */
export function endpointPolicyStatements(
  endpointArn: string,
  p: { cdnAuth: boolean; distributionArns: string[] },
): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  if (p.cdnAuth) {
    out.push({
      Sid: "AllowRequestsWithMatchingCdnAuthHeader",
      Effect: "Allow",
      Principal: "*",
      Action: "mediapackagev2:GetObject",
      Resource: endpointArn,
      Condition: { Bool: { "mediapackagev2:RequestHasMatchingCdnAuthHeader": "true" } },
    });
  }
  if (p.distributionArns.length) {
    out.push({
      Sid: "AllowCloudFrontOriginAccess",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: ["mediapackagev2:GetObject", "mediapackagev2:GetHeadObject"],
      Resource: endpointArn,
      Condition: {
        StringEquals: {
          "aws:SourceArn": p.distributionArns.length === 1 ? p.distributionArns[0]! : p.distributionArns,
        },
      },
    });
  }
  return out;
}

/** The channel policy admitting encoder roles (e.g. MediaLive's) to push to the channel. */
export function ingestPolicy(channelArn: string, roleArns: string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowEncoderIngest",
        Effect: "Allow",
        Principal: { AWS: roleArns.length === 1 ? roleArns[0]! : roleArns },
        Action: "mediapackagev2:PutObject",
        Resource: channelArn,
      },
    ],
  };
}

export function checkDistributionArns(
  component: string,
  v: pulumi.Input<pulumi.Input<string>[]>,
): pulumi.Output<string[]> {
  return checkInput(
    v,
    arns(component, "access.cloudFrontDistributionArns", DISTRIBUTION_ARN_RE, "CloudFront distribution ARN", 1, 100),
  ) as pulumi.Output<string[]>;
}
export function checkRoleArns(
  component: string,
  arg: string,
  v: pulumi.Input<pulumi.Input<string>[]>,
): pulumi.Output<string[]> {
  return checkInput(v, arns(component, arg, ROLE_ARN_RE, "IAM role ARN", 1, 100)) as pulumi.Output<string[]>;
}
