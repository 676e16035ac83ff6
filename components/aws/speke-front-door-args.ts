/**
 * The SPEKE front door's arguments (what SpekeKeyServer and SpekeVendorProxy pass on), its result, and the checks of
 * the arguments that may be plain or Outputs (stage name, packager role ARNs), each message naming the component.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { checkInput, shown } from "../shared/inputs";
import type { ApiCustomDomainArgs, CustomDomainTarget } from "./custom-domain";

export const SPEKE_PATHS = ["speke", "copyProtection"] as const;

export type FrontDoorBackend =
  | { kind: "lambda"; fn: aws.lambda.Function }
  | { kind: "http"; url: pulumi.Input<string>; requestParameters: pulumi.Input<Record<string, pulumi.Input<string>>> };

export interface FrontDoorArgs {
  backend: FrontDoorBackend;
  description: pulumi.Input<string>;
  stageName: pulumi.Input<string>;
  /** Extra principals (role ARNs) admitted by the resource policy, e.g. a packager role in another stack. */
  additionalPackagerRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Use this existing packager role instead of creating one (see `SpekeFrontDoorOptions.packagerRole`). */
  packagerRole?: { existing: { arn: pulumi.Input<string> } };
  customDomain?: ApiCustomDomainArgs;
  webAclArn?: pulumi.Input<string>;
  logRetentionDays: number;
  alarmActions?: pulumi.Input<string>[];
  latencyAlarmMs?: pulumi.Input<number>;
  throttle?: { burstLimit?: number; rateLimit?: number };
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Tags for the REST API only (the policy pack reads these). */
  apiTags?: Record<string, string>;
}

/** The front-door arguments both SPEKE components (SpekeKeyServer, SpekeVendorProxy) take. */
export interface SpekeFrontDoorOptions {
  /** Other role ARNs the resource policy admits (they still need their own execute-api:Invoke permission). */
  additionalPackagerRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Existing or create, for the role MediaPackage / MediaConvert assume. Default: create one, trusted by the three
   * packaging services (pinned to your account) and allowed `execute-api:Invoke` on exactly `POST /speke` and
   * `POST /copyProtection` of this stage. `{ existing: { arn } }`: create none; the resource policy admits that role
   * and `packagerRoleArn` returns it. Nothing is attached to a role you own: in the API's account the resource
   * policy's Allow is enough, from another account the role's own policy must allow `execute-api:Invoke` too (API
   * Gateway developer guide, "How API Gateway resource policies affect authorization workflow").
   */
  packagerRole?: { existing: { arn: pulumi.Input<string> } };
  /**
   * Serve the SPEKE API on your own host name: a REGIONAL API Gateway domain (TLS 1.2) with the stage mapped at the
   * root, so `url` becomes `https://<domainName>/speke`; with `hostedZoneId`, a Route 53 alias record too. Packagers
   * sign (SigV4) for whatever host the URL names, so AWS_IAM works unchanged.
   */
  customDomain?: ApiCustomDomainArgs;
  /** A REGIONAL AWS WAF web ACL (wafv2 ARN) associated with the API stage. */
  webAclArn?: pulumi.Input<string>;
  /** SNS topic ARNs notified by the alarms. */
  alarmActions?: pulumi.Input<string>[];
  /** p99 latency alarm threshold. Default 2000 ms. */
  latencyAlarmMs?: pulumi.Input<number>;
  /** Tags for every taggable child resource. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The optional front-door settings both SPEKE components expose, copied from their args (unset ones left out). */
export type FrontDoorOptions = Pick<
  FrontDoorArgs,
  | "additionalPackagerRoleArns"
  | "packagerRole"
  | "customDomain"
  | "webAclArn"
  | "alarmActions"
  | "latencyAlarmMs"
  | "tags"
>;
export function frontDoorOptions(args: SpekeFrontDoorOptions): FrontDoorOptions {
  return {
    ...(args.additionalPackagerRoleArns ? { additionalPackagerRoleArns: args.additionalPackagerRoleArns } : {}),
    ...(args.packagerRole ? { packagerRole: args.packagerRole } : {}),
    ...(args.customDomain ? { customDomain: args.customDomain } : {}),
    ...(args.webAclArn ? { webAclArn: args.webAclArn } : {}),
    ...(args.alarmActions ? { alarmActions: args.alarmActions } : {}),
    ...(args.latencyAlarmMs !== undefined ? { latencyAlarmMs: args.latencyAlarmMs } : {}),
    ...(args.tags ? { tags: args.tags } : {}),
  };
}

export interface FrontDoor {
  api: aws.apigateway.RestApi;
  stage: aws.apigateway.Stage;
  /** The role created for the packagers (absent with `packagerRole.existing`). */
  packagerRole?: aws.iam.Role;
  packagerRoleArn: pulumi.Output<string>;
  url: pulumi.Output<string>;
  /** Alias target of the custom domain, when one is set. */
  customDomainTarget: pulumi.Output<CustomDomainTarget | undefined>;
  alarms: aws.cloudwatch.MetricAlarm[];
  accessLogGroup: aws.cloudwatch.LogGroup;
}

const STAGE_RE = /^[A-Za-z0-9_]{1,128}$/;
const ROLE_ARN_RE = /^arn:[a-z-]+:iam:[a-z0-9-]*:\d{12}:role\/\S+$/;

/** Checks the front-door arguments that may be plain or Outputs (the message names the component). */
export function checkStageName(component: string, stageName: pulumi.Input<string>): pulumi.Output<string> {
  return checkInput(stageName, (v) => {
    if (typeof v !== "string" || !STAGE_RE.test(v))
      throw new Error(`${component}: stageName ${shown(v)} must match ${STAGE_RE}`);
    return v;
  });
}

/** Checks an IAM role ARN argument of `component`. */
export const checkRoleArn = (component: string, arg: string) => (v: string) => {
  if (typeof v !== "string" || !ROLE_ARN_RE.test(v))
    throw new Error(`${component}: ${arg} ${shown(v)} must be an IAM role ARN`);
  return v;
};
