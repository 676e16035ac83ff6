/** SPEKE is called by AWS media services with SigV4: the API must demand AWS_IAM and MediaPackage must name its role. */
import { get, isAwsType, isRecord, tryJson } from "./inspect";
import type { ResourceUnderReview, RuleDefinition, RuleFinding } from "./types";

const SPEKE_PATH = /(speke|copyprotection)/i;

/** OpenAPI bodies (RestApi / apigatewayv2 Api): every SPEKE path operation must be secured by an awsSigv4 scheme. */
function openApiViolations(resource: ResourceUnderReview): RuleFinding[] {
  const doc = tryJson(resource.props.body);
  if (!isRecord(doc) || !isRecord(doc.paths)) return [];
  const schemes = {
    ...(isRecord(doc.securityDefinitions) ? doc.securityDefinitions : {}),
    ...(isRecord(get(doc, ["components", "securitySchemes"]))
      ? (get(doc, ["components", "securitySchemes"]) as Record<string, unknown>)
      : {}),
  };
  const sigv4 = new Set(
    Object.entries(schemes)
      .filter(([, s]) => isRecord(s) && String(s["x-amazon-apigateway-authtype"] ?? "").toLowerCase() === "awssigv4")
      .map(([n]) => n),
  );
  const out: RuleFinding[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!SPEKE_PATH.test(p) || !isRecord(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isRecord(op) || method.toLowerCase() === "options" || method.startsWith("x-")) continue;
      const security = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : [];
      const ok = security.some((req) => isRecord(req) && Object.keys(req).some((n) => sigv4.has(n)));
      if (!ok)
        out.push({
          path: `body.paths["${p}"].${method}`,
          message: `${method.toUpperCase()} ${p} in the API definition is not secured by an awsSigv4 (AWS_IAM) scheme`,
        });
    }
  }
  return out;
}

function mediaPackageProviders(resource: ResourceUnderReview): { path: string; provider: Record<string, unknown> }[] {
  const out: { path: string; provider: Record<string, unknown> }[] = [];
  if (resource.type === "aws-native:mediapackagev2:OriginEndpoint") {
    const p = get(resource.props, ["segment", "encryption", "spekeKeyProvider"]);
    if (isRecord(p)) out.push({ path: "segment.encryption.spekeKeyProvider", provider: p });
  }
  if (
    resource.type === "aws-native:mediapackage:OriginEndpoint" ||
    resource.type === "aws-native:mediapackage:PackagingConfiguration"
  ) {
    for (const pkg of ["cmafPackage", "dashPackage", "hlsPackage", "mssPackage"]) {
      const p = get(resource.props, [pkg, "encryption", "spekeKeyProvider"]);
      if (isRecord(p)) out.push({ path: `${pkg}.encryption.spekeKeyProvider`, provider: p });
    }
  }
  return out;
}

export const spekeAwsIam: RuleDefinition = {
  name: "keyplane-speke-aws-iam",
  description:
    "SPEKE routes (/speke, /copyProtection) use AWS_IAM authorization (API Gateway methods, HTTP API routes, OpenAPI bodies), and MediaPackage SPEKE key providers name the IAM role they assume (roleArn).",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    const out: RuleFinding[] = [];
    const p = resource.props;
    if (isAwsType(resource.type, "apigateway", "Method")) {
      const isSpeke = SPEKE_PATH.test(resource.name) || SPEKE_PATH.test(String(p.resourceId ?? ""));
      if (isSpeke && String(p.httpMethod ?? "").toUpperCase() !== "OPTIONS" && p.authorization !== "AWS_IAM") {
        out.push({
          path: "authorization",
          message: `SPEKE method ${String(p.httpMethod)} uses authorization ${String(p.authorization)}; it must be AWS_IAM`,
        });
      }
    }
    if (isAwsType(resource.type, "apigatewayv2", "Route")) {
      const key = String(p.routeKey ?? "");
      if (SPEKE_PATH.test(key) && !key.toUpperCase().startsWith("OPTIONS") && p.authorizationType !== "AWS_IAM") {
        out.push({
          path: "authorizationType",
          message: `SPEKE route "${key}" uses authorization ${String(p.authorizationType ?? "NONE")}; it must be AWS_IAM`,
        });
      }
    }
    if (isAwsType(resource.type, "apigateway", "RestApi") || isAwsType(resource.type, "apigatewayv2", "Api"))
      out.push(...openApiViolations(resource));
    for (const { path, provider } of mediaPackageProviders(resource)) {
      if (typeof provider.roleArn !== "string" || !provider.roleArn.startsWith("arn:")) {
        out.push({
          path: `${path}.roleArn`,
          message: "MediaPackage SPEKE key provider has no IAM role ARN to sign its SPEKE calls with",
        });
      }
    }
    return out;
  },
};
