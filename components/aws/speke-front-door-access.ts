/**
 * Who may call the SPEKE API: the packager role (created, trusted by MediaPackage v1/v2 and MediaConvert and allowed
 * `execute-api:Invoke` on exactly the SPEKE methods of this stage, or an existing one) and the API's resource policy
 * that admits only the packager role(s) and denies everyone else.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkInput } from "../shared/inputs";
import { PACKAGER_SERVICES, policyJson, serviceTrustPolicy, type PolicyDocument } from "./iam";
import { checkRoleArn, SPEKE_PATHS, type FrontDoorArgs } from "./speke-front-door-args";

export interface SpekeAccess {
  packagerRole?: aws.iam.Role;
  packagerRoleArn: pulumi.Output<string>;
  resourcePolicy: aws.apigateway.RestApiPolicy;
}

/** The packager role and the resource policy of `api`; `additional` are the checked extra role ARNs. */
export function spekeAccess(
  name: string,
  args: FrontDoorArgs & { component: string },
  api: aws.apigateway.RestApi,
  stageName: pulumi.Output<string>,
  additional: pulumi.Output<string[]>,
  opts: { parent: pulumi.Resource },
): SpekeAccess {
  const component = args.component;
  const identity = aws.getCallerIdentityOutput({}, opts);
  const methodArns = (stage: pulumi.Input<string>) =>
    SPEKE_PATHS.map((p) => pulumi.interpolate`${api.executionArn}/${stage}/POST/${p}`);

  let packagerRole: aws.iam.Role | undefined;
  let packagerRoleArn: pulumi.Output<string>;
  if (args.packagerRole?.existing) {
    if (!args.packagerRole.existing.arn) throw new Error(`${component}: packagerRole.existing.arn is required`);
    packagerRoleArn = checkInput(args.packagerRole.existing.arn, checkRoleArn(component, "packagerRole.existing.arn"));
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
  return { ...(packagerRole ? { packagerRole } : {}), packagerRoleArn, resourcePolicy };
}
