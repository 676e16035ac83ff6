/**
 * The SPEKE front door AWS documents for key providers: an API Gateway REST API whose `POST /speke` and
 * `POST /copyProtection` methods use AWS_IAM authorization, a resource policy that admits only the packager role(s),
 * and a packager role that MediaPackage (v1, v2) and MediaConvert assume, allowed `execute-api:Invoke` on exactly
 * those methods of this stage. Access logs, stage metrics and alarms on 4xx, 5xx and latency.
 *
 * The backend is either our Lambda function (AWS_PROXY) or, for vendor proxies in `integration` mode, the vendor URL
 * (HTTP_PROXY with request header mappings).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { checkInput, shown } from "../shared/inputs";
import {
  checkCustomDomain,
  checkWebAclArn,
  restApiCustomDomain,
  type ApiCustomDomainArgs,
  type CustomDomainTarget,
} from "./custom-domain";
import { PACKAGER_SERVICES, policyJson, serviceTrustPolicy, type PolicyDocument } from "./iam";

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

export function createSpekeFrontDoor(
  name: string,
  args: FrontDoorArgs & { component: string },
  parent: pulumi.Resource,
): FrontDoor {
  const opts = { parent };
  const identity = aws.getCallerIdentityOutput({}, opts);
  const component = args.component;
  const stageName = checkStageName(component, args.stageName);
  const roleArnCheck = (arg: string) => (v: string) => {
    if (typeof v !== "string" || !ROLE_ARN_RE.test(v))
      throw new Error(`${component}: ${arg} ${shown(v)} must be an IAM role ARN`);
    return v;
  };
  const additional = checkInput(args.additionalPackagerRoleArns ?? [], (list) =>
    list.map((a, i) => roleArnCheck(`additionalPackagerRoleArns[${i}]`)(a)),
  );
  const customDomain = args.customDomain ? checkCustomDomain(component, args.customDomain) : undefined;
  const webAclArn = args.webAclArn !== undefined ? checkWebAclArn(component, args.webAclArn) : undefined;

  const api = new aws.apigateway.RestApi(
    `${name}-api`,
    {
      description: args.description,
      endpointConfiguration: { types: "REGIONAL" },
      disableExecuteApiEndpoint: false,
      tags: pulumi.output(args.tags ?? {}).apply((t) => ({ ...t, ...(args.apiTags ?? {}) })),
    },
    opts,
  );

  const methodArns = (stage: pulumi.Input<string>) =>
    SPEKE_PATHS.map((p) => pulumi.interpolate`${api.executionArn}/${stage}/POST/${p}`);

  let packagerRole: aws.iam.Role | undefined;
  let packagerRoleArn: pulumi.Output<string>;
  if (args.packagerRole?.existing) {
    if (!args.packagerRole.existing.arn) throw new Error(`${component}: packagerRole.existing.arn is required`);
    packagerRoleArn = checkInput(args.packagerRole.existing.arn, roleArnCheck("packagerRole.existing.arn"));
  } else {
    packagerRole = new aws.iam.Role(
      `${name}-packager`,
      {
        description: "Assumed by MediaPackage (v1, v2) and MediaConvert to call the SPEKE key provider",
        assumeRolePolicy: serviceTrustPolicy(PACKAGER_SERVICES, identity.accountId),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      opts,
    );
    new aws.iam.RolePolicy(
      `${name}-packager-invoke`,
      {
        role: packagerRole.id,
        policy: policyJson(
          pulumi.all(methodArns(stageName)).apply(
            (arns): PolicyDocument => ({
              Version: "2012-10-17",
              Statement: [{ Sid: "InvokeSpekeOnly", Effect: "Allow", Action: "execute-api:Invoke", Resource: arns }],
            }),
          ),
        ),
      },
      opts,
    );
    packagerRoleArn = packagerRole.arn;
  }

  const admitted = pulumi.all([packagerRoleArn, additional]).apply(([a, more]) => [a, ...more]);
  const anyStageArns = pulumi.all(SPEKE_PATHS.map((p) => pulumi.interpolate`${api.executionArn}/*/POST/${p}`));
  const resourcePolicy = new aws.apigateway.RestApiPolicy(
    `${name}-api-policy`,
    {
      restApiId: api.id,
      policy: policyJson(
        pulumi.all([admitted, anyStageArns, api.executionArn]).apply(
          ([principals, arns, execArn]): PolicyDocument => ({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AdmitPackagers",
                Effect: "Allow",
                Principal: { AWS: principals },
                Action: "execute-api:Invoke",
                Resource: arns,
              },
              {
                Sid: "DenyEveryoneElse",
                Effect: "Deny",
                Principal: "*",
                Action: "execute-api:Invoke",
                Resource: `${execArn}/*`,
                Condition: { StringNotEquals: { "aws:PrincipalArn": principals } },
              },
            ],
          }),
        ),
      ),
    },
    opts,
  );

  const resources: aws.apigateway.Resource[] = [];
  const methods: aws.apigateway.Method[] = [];
  const integrations: aws.apigateway.Integration[] = [];
  for (const p of SPEKE_PATHS) {
    const resource = new aws.apigateway.Resource(
      `${name}-${p}`,
      { restApi: api.id, parentId: api.rootResourceId, pathPart: p },
      opts,
    );
    const method = new aws.apigateway.Method(
      `${name}-${p}-post`,
      {
        restApi: api.id,
        resourceId: resource.id,
        httpMethod: "POST",
        authorization: "AWS_IAM",
      },
      opts,
    );
    const integration =
      args.backend.kind === "lambda"
        ? new aws.apigateway.Integration(
            `${name}-${p}-integration`,
            {
              restApi: api.id,
              resourceId: resource.id,
              httpMethod: method.httpMethod,
              type: "AWS_PROXY",
              integrationHttpMethod: "POST",
              uri: args.backend.fn.invokeArn,
              timeoutMilliseconds: 29_000,
            },
            opts,
          )
        : new aws.apigateway.Integration(
            `${name}-${p}-integration`,
            {
              restApi: api.id,
              resourceId: resource.id,
              httpMethod: method.httpMethod,
              type: "HTTP_PROXY",
              integrationHttpMethod: "POST",
              uri: args.backend.url,
              requestParameters: args.backend.requestParameters,
              timeoutMilliseconds: 29_000,
            },
            opts,
          );
    resources.push(resource);
    methods.push(method);
    integrations.push(integration);
  }

  if (args.backend.kind === "lambda") {
    const fn = args.backend.fn;
    SPEKE_PATHS.forEach((p) => {
      new aws.lambda.Permission(
        `${name}-${p}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: fn.name,
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${api.executionArn}/${stageName}/POST/${p}`,
        },
        opts,
      );
    });
  }

  // Redeploy when the API shape or the resource policy changes (a resource policy only applies after a deployment).
  const deployment = new aws.apigateway.Deployment(
    `${name}-deployment`,
    {
      restApi: api.id,
      description: pulumi.interpolate`${args.description} (managed by Keyplane)`,
      triggers: {
        shape: createHash("sha256")
          .update(JSON.stringify({ paths: SPEKE_PATHS, backend: args.backend.kind, auth: "AWS_IAM" }))
          .digest("hex"),
        policy: resourcePolicy.policy.apply((p) => createHash("sha256").update(p).digest("hex")),
        integrations: pulumi
          .all(integrations.map((i) => i.uri))
          .apply((u) => createHash("sha256").update(u.join("|")).digest("hex")),
      },
    },
    { parent, dependsOn: [...methods, ...integrations, resourcePolicy] },
  );

  const accessLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-access-logs`,
    {
      retentionInDays: args.logRetentionDays,
      tags: args.tags,
    },
    opts,
  );

  const stage = new aws.apigateway.Stage(
    `${name}-stage`,
    {
      restApi: api.id,
      deployment: deployment.id,
      stageName,
      accessLogSettings: {
        destinationArn: accessLogGroup.arn,
        // No headers, no body, no caller-supplied text beyond the path: access logs never hold credentials.
        format: JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          caller: "$context.identity.caller",
          userArn: "$context.identity.userArn",
          requestTime: "$context.requestTime",
          httpMethod: "$context.httpMethod",
          resourcePath: "$context.resourcePath",
          status: "$context.status",
          protocol: "$context.protocol",
          responseLength: "$context.responseLength",
          integrationLatency: "$context.integrationLatency",
          errorMessage: "$context.error.message",
        }),
      },
      xrayTracingEnabled: false,
      tags: args.tags,
    },
    opts,
  );

  new aws.apigateway.MethodSettings(
    `${name}-method-settings`,
    {
      restApi: api.id,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: {
        metricsEnabled: true,
        loggingLevel: "ERROR",
        dataTraceEnabled: false,
        throttlingBurstLimit: args.throttle?.burstLimit ?? 100,
        throttlingRateLimit: args.throttle?.rateLimit ?? 50,
      },
    },
    opts,
  );

  const dims = { ApiName: api.name, Stage: stage.stageName };
  const alarm = (
    suffix: string,
    a: Omit<
      aws.cloudwatch.MetricAlarmArgs,
      | "namespace"
      | "dimensions"
      | "alarmActions"
      | "okActions"
      | "evaluationPeriods"
      | "period"
      | "treatMissingData"
      | "tags"
    >,
  ) =>
    new aws.cloudwatch.MetricAlarm(
      `${name}-${suffix}`,
      {
        namespace: "AWS/ApiGateway",
        dimensions: dims,
        period: 300,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        alarmActions: args.alarmActions ?? [],
        okActions: args.alarmActions ?? [],
        tags: args.tags,
        ...a,
      },
      opts,
    );
  const alarms = [
    alarm("4xx", {
      alarmDescription: "SPEKE API 4xx (rejected key requests: signing, resource policy or CPIX errors)",
      metricName: "4XXError",
      statistic: "Sum",
      threshold: 5,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    }),
    alarm("5xx", {
      alarmDescription: "SPEKE API 5xx (key provider failing: packagers cannot encrypt)",
      metricName: "5XXError",
      statistic: "Sum",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    }),
    alarm("latency", {
      alarmDescription: "SPEKE API p99 latency",
      metricName: "Latency",
      extendedStatistic: "p99",
      threshold: args.latencyAlarmMs ?? 2000,
      comparisonOperator: "GreaterThanThreshold",
    }),
  ];

  if (webAclArn) new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: stage.arn, webAclArn }, opts);
  let url = pulumi.interpolate`${stage.invokeUrl}/speke`;
  let customDomainTarget: pulumi.Output<CustomDomainTarget | undefined> = pulumi.output(undefined);
  if (customDomain) {
    customDomainTarget = restApiCustomDomain(name, customDomain, api, stage, args.tags, parent);
    url = pulumi.interpolate`https://${customDomain.domainName}/speke`;
  }

  return {
    api,
    stage,
    ...(packagerRole ? { packagerRole } : {}),
    packagerRoleArn,
    url,
    customDomainTarget,
    alarms,
    accessLogGroup,
  };
}
