/** Operational hygiene for the key exchange: bounded log retention and no wildcard CORS on key/licence endpoints. */
import { get, isAwsType, isRecord, lambdaEnvironment, tryJson, walk } from "./inspect";
import type { RuleDefinition, RuleFinding } from "./types";

export const logRetention: RuleDefinition = {
  name: "keyplane-log-retention",
  description:
    "CloudWatch log groups set retentionInDays between minLogRetentionDays and maxLogRetentionDays (unset means logs are kept forever).",
  enforcementLevel: "mandatory",
  configKeys: ["minLogRetentionDays", "maxLogRetentionDays"],
  check: (resource, config) => {
    if (!isAwsType(resource.type, "cloudwatch", "LogGroup")) return [];
    const v = resource.props.retentionInDays;
    if (typeof v !== "number" || v === 0)
      return [{ path: "retentionInDays", message: "log group has no retention set (logs are kept forever)" }];
    if (v < config.minLogRetentionDays || v > config.maxLogRetentionDays) {
      return [
        {
          path: "retentionInDays",
          message: `log retention ${v} days is outside ${config.minLogRetentionDays}..${config.maxLogRetentionDays}`,
        },
      ];
    }
    return [];
  },
};

const ALLOW_ORIGIN = /access-control-allow-origin/i;

function wildcardList(v: unknown): boolean {
  return Array.isArray(v) && v.some((o) => typeof o === "string" && o.trim() === "*");
}

export const corsNoWildcard: RuleDefinition = {
  name: "keyplane-cors-no-wildcard",
  description:
    "CORS on key delivery, token and license endpoints names its origins: no `*` in HTTP API corsConfiguration, Lambda function URL cors, Access-Control-Allow-Origin response parameters, S3 CORS rules, a function's allowed-origins setting or the CORS origins in a Keyplane function's KEYPLANE_CONFIG.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    const p = resource.props;
    const out: RuleFinding[] = [];
    const flag = (path: string) =>
      out.push({ path, message: `${path} allows any origin (*); list the player origins instead` });
    if (isAwsType(resource.type, "apigatewayv2", "Api") && wildcardList(get(p, ["corsConfiguration", "allowOrigins"])))
      flag("corsConfiguration.allowOrigins");
    if (isAwsType(resource.type, "lambda", "FunctionUrl") && wildcardList(get(p, ["cors", "allowOrigins"])))
      flag("cors.allowOrigins");
    if (
      isAwsType(resource.type, "s3", "BucketCorsConfiguration") ||
      isAwsType(resource.type, "s3", "BucketCorsConfigurationV2")
    ) {
      const rules = p.corsRules;
      if (Array.isArray(rules))
        rules.forEach((r, i) => {
          isRecord(r) && wildcardList(r.allowedOrigins) && flag(`corsRules[${i}].allowedOrigins`);
        });
    }
    const scanParams = (root: unknown, base: string) =>
      walk(root, (path, key, value) => {
        if (ALLOW_ORIGIN.test(key) && typeof value === "string" && value.replace(/'/g, "").trim() === "*")
          flag(base ? `${base}.${path}` : path);
      });
    if (
      isAwsType(resource.type, "apigateway", "IntegrationResponse") ||
      isAwsType(resource.type, "apigateway", "MethodResponse")
    )
      scanParams(p.responseParameters, "responseParameters");
    if (isAwsType(resource.type, "apigateway", "RestApi") || isAwsType(resource.type, "apigatewayv2", "Api")) {
      const doc = tryJson(p.body);
      if (doc !== undefined) scanParams(doc, "body");
    }
    for (const [name, value] of Object.entries(lambdaEnvironment(resource))) {
      if (
        /(CORS|ALLOWED_ORIGINS|ALLOW_ORIGIN)/i.test(name) &&
        typeof value === "string" &&
        value.split(/[,\s]+/).includes("*")
      )
        flag(`environment.variables.${name}`);
    }
    // Keyplane's own functions carry CORS inside the one configuration document (KEYPLANE_CONFIG), when it is readable
    // at review time (a secret-marked environment is not).
    const config = tryJson(lambdaEnvironment(resource).KEYPLANE_CONFIG);
    for (const section of ["delivery", "license"]) {
      if (wildcardList(get(config, [section, "cors", "allowOrigins"])))
        flag(`environment.variables.KEYPLANE_CONFIG.${section}.cors.allowOrigins`);
    }
    return out;
  },
};
