/**
 * Custom domains and WAF for the API Gateway front doors (not a component: the SPEKE components and KeyDeliveryApi
 * call it so the children are parented to them).
 *
 * - REST API (SPEKE front door): `aws.apigateway.DomainName` (REGIONAL, TLS 1.2) + `BasePathMapping` of the stage at
 *   the root; WAF: `aws.wafv2.WebAclAssociation` with the stage ARN and a REGIONAL web ACL.
 * - HTTP API (key delivery): `aws.apigatewayv2.DomainName` (REGIONAL, TLS 1.2) + `ApiMapping`. AWS WAF cannot be
 *   associated with HTTP APIs (its protected resource types list API Gateway REST APIs only: AWS WAF API Reference,
 *   "Welcome"; API Gateway developer guide "Use AWS WAF to protect your REST APIs"), so KeyDeliveryApi refuses
 *   `webAclArn`: put CloudFront with a web ACL in front of it instead.
 * - Optional Route 53 alias A record in the hosted zone you name.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, checkOptional, shown } from "../shared/inputs";

export interface ApiCustomDomainArgs {
  /** The host name clients use, e.g. `keys.example.com` (lower case). */
  domainName: pulumi.Input<string>;
  /** ACM certificate covering `domainName`, in the API's Region (regional endpoint). */
  certificateArn: pulumi.Input<string>;
  /**
   * Route 53 hosted zone in which to create an alias A record for `domainName`. Omit to manage DNS yourself: point
   * the name at the component's `customDomainTarget`.
   */
  hostedZoneId?: pulumi.Input<string>;
}

/** Where DNS must point for a custom domain (alias target). */
export interface CustomDomainTarget {
  domainName: string;
  hostedZoneId: string;
}

const HOST_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN_RE = /^arn:[a-z-]+:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const ZONE_RE = /^Z[A-Z0-9]{1,32}$/;
const WEB_ACL_RE = /^arn:[a-z-]+:wafv2:[a-z0-9-]+:\d{12}:(regional|global)\/webacl\/[^/]+\/[0-9a-f-]+$/;

export interface CheckedCustomDomain {
  domainName: pulumi.Output<string>;
  certificateArn: pulumi.Output<string>;
  hostedZoneId?: pulumi.Output<string>;
}

export function checkCustomDomain(component: string, d: ApiCustomDomainArgs): CheckedCustomDomain {
  if (!d?.domainName || !d.certificateArn)
    throw new Error(`${component}: customDomain needs domainName and certificateArn`);
  const hostedZoneId = checkOptional(d.hostedZoneId, (z) => {
    if (typeof z !== "string" || !ZONE_RE.test(z))
      throw new Error(`${component}: customDomain.hostedZoneId ${shown(z)} is not a Route 53 hosted zone id (Z…)`);
    return z;
  });
  return {
    domainName: checkInput(d.domainName, (n) => {
      if (typeof n !== "string" || !HOST_RE.test(n))
        throw new Error(`${component}: customDomain.domainName ${shown(n)} must be a lower-case DNS host name`);
      return n;
    }),
    certificateArn: checkInput(d.certificateArn, (a) => {
      if (typeof a !== "string" || !ACM_ARN_RE.test(a))
        throw new Error(`${component}: customDomain.certificateArn ${shown(a)} is not an ACM certificate ARN`);
      return a;
    }),
    ...(hostedZoneId ? { hostedZoneId } : {}),
  };
}

export function checkWebAclArn(component: string, arn: pulumi.Input<string>): pulumi.Output<string> {
  return checkInput(arn, (a) => {
    const m = typeof a === "string" ? WEB_ACL_RE.exec(a) : null;
    if (!m) throw new Error(`${component}: webAclArn ${shown(a)} is not an AWS WAF (wafv2) web ACL ARN`);
    if (m[1] !== "regional")
      throw new Error(
        `${component}: webAclArn ${shown(a)} is a CLOUDFRONT (global) web ACL; API Gateway stages take a REGIONAL web ACL in the API's Region`,
      );
    return a;
  });
}

function aliasRecord(
  name: string,
  zoneId: pulumi.Output<string>,
  domainName: pulumi.Input<string>,
  target: pulumi.Output<CustomDomainTarget>,
  parent: pulumi.Resource,
): aws.route53.Record {
  return new aws.route53.Record(
    `${name}-dns`,
    {
      zoneId,
      name: domainName,
      type: "A",
      aliases: [{ name: target.domainName, zoneId: target.hostedZoneId, evaluateTargetHealth: false }],
    },
    { parent },
  );
}

/** REST API (v1) custom domain with the stage mapped at the root. */
export function restApiCustomDomain(
  name: string,
  d: CheckedCustomDomain,
  api: aws.apigateway.RestApi,
  stage: aws.apigateway.Stage,
  tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  parent: pulumi.Resource,
): pulumi.Output<CustomDomainTarget> {
  const domain = new aws.apigateway.DomainName(
    `${name}-domain`,
    {
      domainName: d.domainName,
      regionalCertificateArn: d.certificateArn,
      endpointConfiguration: { types: "REGIONAL" },
      securityPolicy: "TLS_1_2",
      tags,
    },
    { parent },
  );
  new aws.apigateway.BasePathMapping(
    `${name}-mapping`,
    { restApi: api.id, stageName: stage.stageName, domainName: domain.domainName },
    { parent },
  );
  const target = pulumi
    .all([domain.regionalDomainName, domain.regionalZoneId])
    .apply(([domainName, hostedZoneId]) => ({ domainName, hostedZoneId }));
  if (d.hostedZoneId) aliasRecord(name, d.hostedZoneId, domain.domainName, target, parent);
  return target;
}

/** HTTP API (v2) custom domain with the stage mapped at the root. */
export function httpApiCustomDomain(
  name: string,
  d: CheckedCustomDomain,
  api: aws.apigatewayv2.Api,
  stage: aws.apigatewayv2.Stage,
  tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  parent: pulumi.Resource,
): pulumi.Output<CustomDomainTarget> {
  const domain = new aws.apigatewayv2.DomainName(
    `${name}-domain`,
    {
      domainName: d.domainName,
      domainNameConfiguration: {
        certificateArn: d.certificateArn,
        endpointType: "REGIONAL",
        securityPolicy: "TLS_1_2",
      },
      tags,
    },
    { parent },
  );
  new aws.apigatewayv2.ApiMapping(
    `${name}-mapping`,
    { apiId: api.id, domainName: domain.domainName, stage: stage.name },
    { parent },
  );
  const target = domain.domainNameConfiguration.apply((c) => ({
    domainName: c.targetDomainName,
    hostedZoneId: c.hostedZoneId,
  }));
  if (d.hostedZoneId) aliasRecord(name, d.hostedZoneId, domain.domainName, target, parent);
  return target;
}
