/**
 * The SPEKE API's routes: `POST /speke` and `POST /copyProtection` with AWS_IAM authorization, integrated with our Lambda
 * function (AWS_PROXY, with its invoke permissions) or a vendor URL (HTTP_PROXY), and the deployment that follows them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { SPEKE_PATHS, type FrontDoorArgs } from "./speke-front-door-args";

/** Creates the routes of `api` and returns their deployment (redeployed when the shape or the resource policy changes). */
export function spekeRoutes(
  name: string,
  args: FrontDoorArgs,
  api: aws.apigateway.RestApi,
  stageName: pulumi.Output<string>,
  resourcePolicy: aws.apigateway.RestApiPolicy,
  parent: pulumi.Resource,
): aws.apigateway.Deployment {
  const opts = { parent };
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
  return deployment;
}
