/**
 * The SPEKE API's stage and what watches it: access logs that never hold credentials (no headers, no body), stage
 * metrics and throttling, and alarms on 4xx, 5xx and p99 latency.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { FrontDoorArgs } from "./speke-front-door-args";

export interface SpekeStage {
  stage: aws.apigateway.Stage;
  alarms: aws.cloudwatch.MetricAlarm[];
  accessLogGroup: aws.cloudwatch.LogGroup;
}

/** The stage of `deployment` with its access log group, method settings and alarms. */
export function spekeStage(
  name: string,
  args: FrontDoorArgs,
  api: aws.apigateway.RestApi,
  deployment: aws.apigateway.Deployment,
  stageName: pulumi.Output<string>,
  opts: { parent: pulumi.Resource },
): SpekeStage {
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
  return { stage, alarms, accessLogGroup };
}
