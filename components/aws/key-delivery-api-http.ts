/**
 * KeyDeliveryApi's HTTP API in front of the delivery function: CORS, one route and one invoke permission per route,
 * the `$default` stage with throttling and access logs (route keys, never paths: they may carry tokens), and alarms on
 * 5xx and 4xx responses.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const KEY_DELIVERY_ROUTES = [
  "POST /token",
  "POST /clearkey",
  "GET /hls/key/{kid}",
  "POST /license/{vendor}",
] as const;

export interface DeliveryHttpApiOptions {
  /** The delivery function. */
  fn: aws.lambda.Function;
  /** Checked browser origins. */
  cors: pulumi.Input<string[]>;
  burstLimit?: pulumi.Input<number>;
  rateLimit?: pulumi.Input<number>;
  logRetentionDays: number;
  alarmActions?: pulumi.Input<string>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The API, its routes and stage, parented to the component. */
export function deliveryHttpApi(
  name: string,
  o: DeliveryHttpApiOptions,
  parent: pulumi.Resource,
): { api: aws.apigatewayv2.Api; stage: aws.apigatewayv2.Stage } {
  const opt = { parent };
  const api = new aws.apigatewayv2.Api(
    `${name}-api`,
    {
      protocolType: "HTTP",
      description: "Keyplane key delivery",
      corsConfiguration: {
        allowOrigins: o.cors,
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["authorization", "content-type", "x-request-id"],
        exposeHeaders: ["x-request-id"],
        allowCredentials: false,
        maxAge: 600,
      },
      tags: o.tags,
    },
    opt,
  );
  const integration = new aws.apigatewayv2.Integration(
    `${name}-integration`,
    {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: o.fn.invokeArn,
      integrationMethod: "POST",
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: 15_000,
    },
    opt,
  );
  for (const routeKey of KEY_DELIVERY_ROUTES) {
    const slug = routeKey
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    new aws.apigatewayv2.Route(
      `${name}-${slug}`,
      { apiId: api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}` },
      opt,
    );
    const [method, path] = routeKey.split(" ") as [string, string];
    new aws.lambda.Permission(
      `${name}-${slug}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: o.fn.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/${method}${path.replace(/\{[^}]+\}/g, "*")}`,
      },
      opt,
    );
  }
  const accessLogs = new aws.cloudwatch.LogGroup(
    `${name}-access-logs`,
    { retentionInDays: o.logRetentionDays, tags: o.tags },
    opt,
  );
  const stage = new aws.apigatewayv2.Stage(
    `${name}-stage`,
    {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingBurstLimit: o.burstLimit ?? 200,
        throttlingRateLimit: o.rateLimit ?? 100,
        detailedMetricsEnabled: true,
      },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        // $context.path would carry `?token=` query strings on some routes: log the route key instead.
        format: JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          requestTime: "$context.requestTime",
          routeKey: "$context.routeKey",
          status: "$context.status",
          responseLength: "$context.responseLength",
          integrationLatency: "$context.integrationLatency",
        }),
      },
      tags: o.tags,
    },
    opt,
  );
  for (const [suffix, metricName, threshold] of [
    ["5xx", "5xx", 1],
    ["4xx", "4xx", 50],
  ] as const) {
    new aws.cloudwatch.MetricAlarm(
      `${name}-${suffix}`,
      {
        alarmDescription: `Key delivery ${metricName} responses`,
        namespace: "AWS/ApiGateway",
        metricName,
        dimensions: { ApiId: api.id, Stage: "$default" },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: o.alarmActions ?? [],
        tags: o.tags,
      },
      opt,
    );
  }

  return { api, stage };
}
