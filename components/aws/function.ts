/**
 * One bundled Node.js Lambda function with its own log group (retention), execution role and least-privilege inline
 * policy. Not a component of its own: components call it so the children are parented to them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { functionArchive, LAMBDA_HANDLER } from "../shared/archive";
import { bundleFunction } from "../shared/bundle";
import { policyJson, serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./iam";

export type NodeRuntime = "nodejs20.x" | "nodejs22.x";
export const DEFAULT_RUNTIME: NodeRuntime = "nodejs22.x";
export const DEFAULT_LOG_RETENTION_DAYS = 90;
/** Values CloudWatch Logs accepts for retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The function settings every Keyplane component with a Lambda function takes. */
export interface FunctionSettingsArgs {
  /** Lambda runtime: `nodejs22.x` (default) or `nodejs20.x`. */
  runtime?: NodeRuntime;
  /**
   * Retention in days of the component's CloudWatch log groups (the function's, and the API's access logs where it has
   * them): one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653). Default 90.
   */
  logRetentionDays?: number;
  /** Tags for every taggable child resource. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface BundledFunctionArgs extends FunctionSettingsArgs {
  /** Entry file under `functions/` (bundled with esbuild). */
  entry: string;
  /** What the function is, for its description and its role's ("Keyplane SPEKE key server"). */
  description: string;
  /** Environment variables of the function (see `secretEnvironment`). */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Extra statements for the execution role (logging is added here). */
  statements: pulumi.Input<PolicyStatement>[];
  /** Memory in MB (default 512; Lambda allots CPU in proportion). */
  memorySize?: number;
  /** Timeout in seconds (default 15). */
  timeout?: pulumi.Input<number>;
  /** The environment holds secrets: mark it secret in the function's own state too (`additionalSecretOutputs`). */
  secretEnvironment?: boolean;
  /** Customer managed KMS key encrypting the function's environment variables. */
  kmsKeyArn?: pulumi.Input<string>;
  /** Reserved concurrency: caps the function's concurrent executions (and reserves them). Default: unreserved. */
  reservedConcurrentExecutions?: number;
}

export interface BundledFunction {
  fn: aws.lambda.Function;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  policy: aws.iam.RolePolicy;
  /** Size of the bundled `index.js` (bytes). */
  bundleSizeBytes: number;
}

export function validateCommon(component: string, args: { runtime?: string; logRetentionDays?: number }): void {
  if (args.runtime !== undefined && args.runtime !== "nodejs20.x" && args.runtime !== "nodejs22.x") {
    throw new Error(`${component}: runtime must be nodejs20.x or nodejs22.x (got ${args.runtime})`);
  }
  if (args.logRetentionDays !== undefined && !LOG_RETENTION_DAYS.includes(args.logRetentionDays)) {
    throw new Error(
      `${component}: logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")} (got ${args.logRetentionDays})`,
    );
  }
}

export function createBundledFunction(
  name: string,
  args: BundledFunctionArgs,
  parent: pulumi.Resource,
): BundledFunction {
  const opts = { parent };
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    {
      retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      tags: args.tags,
    },
    opts,
  );
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: `Execution role of ${args.description}`,
      assumeRolePolicy: serviceTrustPolicy(["lambda.amazonaws.com"]),
      tags: args.tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.id,
      policy: policyJson(
        pulumi.all([logGroup.arn, pulumi.all(args.statements)]).apply(
          ([lg, extra]): PolicyDocument => ({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${lg}:*`,
              },
              ...(extra as PolicyStatement[]),
            ],
          }),
        ),
      ),
    },
    opts,
  );
  const fn = new aws.lambda.Function(
    `${name}-fn`,
    {
      description: args.description,
      code: functionArchive(args.entry),
      handler: LAMBDA_HANDLER,
      runtime: args.runtime ?? DEFAULT_RUNTIME,
      architectures: ["arm64"],
      memorySize: args.memorySize ?? 512,
      timeout: args.timeout ?? 15,
      role: role.arn,
      environment: { variables: args.environment },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      ...(args.kmsKeyArn ? { kmsKeyArn: args.kmsKeyArn } : {}),
      ...(args.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: args.reservedConcurrentExecutions }
        : {}),
      tags: args.tags,
    },
    {
      parent,
      dependsOn: [policy, logGroup],
      ...(args.secretEnvironment ? { additionalSecretOutputs: ["environment"] } : {}),
    },
  );
  return { fn, role, logGroup, policy, bundleSizeBytes: bundleFunction(args.entry).sizeBytes };
}
