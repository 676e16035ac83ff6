/**
 * The SPEKE front door AWS documents for key providers: an API Gateway REST API whose `POST /speke` and
 * `POST /copyProtection` methods use AWS_IAM authorization, a resource policy that admits only the packager role(s),
 * and a packager role that MediaPackage (v1, v2) and MediaConvert assume, allowed `execute-api:Invoke` on exactly
 * those methods of this stage. Access logs, stage metrics and alarms on 4xx, 5xx and latency.
 *
 * The backend is either our Lambda function (AWS_PROXY) or, for vendor proxies in `integration` mode, the vendor URL
 * (HTTP_PROXY with request header mappings).
 *
 * Arguments and checks: speke-front-door-args.ts; packager role and resource policy: speke-front-door-access.ts;
 * routes and deployment: speke-front-door-routes.ts; stage, access logs and alarms: speke-front-door-stage.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkInput } from "../shared/inputs";
import { checkCustomDomain, checkWebAclArn, restApiCustomDomain, type CustomDomainTarget } from "./custom-domain";
import { spekeAccess } from "./speke-front-door-access";
import { checkRoleArn, checkStageName, type FrontDoor, type FrontDoorArgs } from "./speke-front-door-args";
import { spekeRoutes } from "./speke-front-door-routes";
import { spekeStage } from "./speke-front-door-stage";

export {
  checkStageName,
  frontDoorOptions,
  SPEKE_PATHS,
  type FrontDoor,
  type FrontDoorArgs,
  type FrontDoorBackend,
  type FrontDoorOptions,
  type SpekeFrontDoorOptions,
} from "./speke-front-door-args";

export function createSpekeFrontDoor(
  name: string,
  args: FrontDoorArgs & { component: string },
  parent: pulumi.Resource,
): FrontDoor {
  const opts = { parent };
  const component = args.component;
  const stageName = checkStageName(component, args.stageName);
  const additional = checkInput(args.additionalPackagerRoleArns ?? [], (list) =>
    list.map((a, i) => checkRoleArn(component, `additionalPackagerRoleArns[${i}]`)(a)),
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

  const { packagerRole, packagerRoleArn, resourcePolicy } = spekeAccess(name, args, api, stageName, additional, opts);
  const deployment = spekeRoutes(name, args, api, stageName, resourcePolicy, parent);
  const { stage, alarms, accessLogGroup } = spekeStage(name, args, api, deployment, stageName, opts);

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
