/**
 * Secrets stay in secret stores: vendor credentials never sit in API definitions or plain function settings, and key
 * seeds live only in Secrets Manager (or Key Vault) fed from Pulumi secrets.
 */
import { isAwsType, isRecord, lambdaEnvironment, tryJson, walk } from "./inspect";
import type { ResourceUnderReview, RuleDefinition, RuleFinding } from "./types";

/** Header / setting names that carry vendor credentials (EZDRM, BuyDRM KeyOS, DRMtoday, Axinom, generic API keys). */
const CREDENTIAL_NAME =
  /(api[-_]?key|apikey|authorization|auth[-_]?token|x-dt-auth-token|x-axdrm-message|secret|password|passwd|credential|communication[-_]?key|com[-_]?key|private[-_]?key|customer[-_]?auth|x-keyos-authorization)/i;
/** Names that only point at a secret (or describe one) rather than hold it. */
const REFERENCE_NAME =
  /(_ARN|_NAME|_ID|_URL|_URI|_HEADER|_HEADERS|_TTL|_SECONDS|_TABLE|_PATH|_ISSUER|_AUDIENCE|_REGION|_VERSION|_PARAMETER)$/i;

function literalV1(value: unknown): value is string {
  return typeof value === "string" && /^'.*'$/s.test(value.trim());
}
function literalV2(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "" && !value.trim().startsWith("$");
}

/** The tag SpekeVendorProxy (integration mode) puts on a REST API whose integration carries the vendor credential. */
export const CREDENTIAL_IN_API_TAG = "keyplane:credential-in-api-definition";

/** Request parameter / header names that carry a credential: the names above, or vendor key headers (X-EZDRM-Key, X-KeyOS-UserKey). */
function credentialHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name) || /key$/i.test(name) || CREDENTIAL_QUERY.test(name);
}
/** Query-string credentials mapped in an integration (EZDRM's SPEKE endpoint takes the account as `u` and `p`). */
const CREDENTIAL_QUERY = /\.querystring\.(u|p|user|username|pass|password|key|token|secret)$/i;

function credentialParams(params: unknown, base: string, literal: (v: unknown) => v is string): RuleFinding[] {
  if (!isRecord(params)) return [];
  const out: RuleFinding[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (credentialHeader(k) && literal(v))
      out.push({
        path: `${base}["${k}"]`,
        message: `the API definition injects a literal credential into ${k}; load it from Secrets Manager in the proxy function instead`,
      });
  }
  return out;
}

export const noVendorCredentialsInApi: RuleDefinition = {
  name: "keyplane-no-vendor-credentials-in-api",
  description:
    "DRM vendor credentials (API keys, auth tokens, communication keys, vendor key headers, EZDRM `u`/`p` query parameters) must not appear as literals in API Gateway definitions: integration request parameters, OpenAPI bodies, stage variables, or APIs tagged keyplane:credential-in-api-definition=true. The proxy function reads them from Secrets Manager.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    const p = resource.props;
    const out: RuleFinding[] = [];
    if (isAwsType(resource.type, "apigateway", "Integration"))
      out.push(...credentialParams(p.requestParameters, "requestParameters", literalV1));
    if (isAwsType(resource.type, "apigatewayv2", "Integration"))
      out.push(...credentialParams(p.requestParameters, "requestParameters", literalV2));
    if (isAwsType(resource.type, "apigateway", "Stage") || isAwsType(resource.type, "apigatewayv2", "Stage")) {
      for (const field of ["variables", "stageVariables"]) {
        const vars = p[field];
        if (!isRecord(vars)) continue;
        for (const [k, v] of Object.entries(vars)) {
          if (CREDENTIAL_NAME.test(k) && !REFERENCE_NAME.test(k) && typeof v === "string" && v !== "")
            out.push({ path: `${field}.${k}`, message: `stage variable ${k} holds a credential in clear text` });
        }
      }
    }
    const tags = p.tags;
    if (isRecord(tags) && String(tags[CREDENTIAL_IN_API_TAG]).toLowerCase() === "true") {
      out.push({
        path: `tags["${CREDENTIAL_IN_API_TAG}"]`,
        message:
          "this API's integration injects the vendor credential (SpekeVendorProxy integration mode); use function mode so the credential stays in Secrets Manager",
      });
    }
    if (
      (isAwsType(resource.type, "apigateway", "RestApi") || isAwsType(resource.type, "apigatewayv2", "Api")) &&
      typeof p.body === "string"
    ) {
      const doc = tryJson(p.body);
      walk(doc, (path, key, value) => {
        if (key === "requestParameters") out.push(...credentialParams(value, `body.${path}`, literalV1));
        else if (
          !path.includes("requestParameters") &&
          CREDENTIAL_NAME.test(key) &&
          !REFERENCE_NAME.test(key) &&
          typeof value === "string" &&
          value.length >= 8 &&
          !/^(method|context|stageVariables|integration)\./.test(value) &&
          !value.startsWith("$")
        ) {
          out.push({ path: `body.${path}`, message: `the API definition carries a literal value for ${key}` });
        }
      });
    }
    return out;
  },
};

export const noPlaintextSecretsInFunctionEnv: RuleDefinition = {
  name: "keyplane-no-plaintext-secrets-in-function-env",
  description:
    "Function environment variables must not carry secrets (API keys, passwords, tokens, private keys, FairPlay ASKs) in clear text; pass a Secrets Manager ARN (…_SECRET_ARN) and read it at run time.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    const out: RuleFinding[] = [];
    for (const [name, value] of Object.entries(lambdaEnvironment(resource))) {
      if (!(CREDENTIAL_NAME.test(name) || /(^|_)(TOKEN|ASK)(_|$)/i.test(name)) || REFERENCE_NAME.test(name)) continue;
      if (typeof value !== "string" || value === "" || value.startsWith("arn:")) continue;
      out.push({
        path: `environment.variables.${name}`,
        message: `environment variable ${name} holds a secret in clear text; reference a Secrets Manager secret ARN instead`,
      });
    }
    return out;
  },
};

const SECRET_STORE = (r: ResourceUnderReview) =>
  isAwsType(r.type, "secretsmanager", "SecretVersion") ||
  isAwsType(r.type, "secretsmanager", "Secret") ||
  /^azure-native:keyvault(\/v\d+)?:Secret$/.test(r.type) ||
  r.type.startsWith("random:");

export const keySeedInSecretStore: RuleDefinition = {
  name: "keyplane-key-seed-in-secret-store",
  description:
    "Key seeds (every content key derives from them) live only in Secrets Manager / Key Vault secrets fed from Pulumi secrets: never in function environment values, SSM parameters, API definitions, AMS resources or other resource inputs. Referencing the secret by ARN or name is fine.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    if (SECRET_STORE(resource)) return [];
    const out: RuleFinding[] = [];
    if (isAwsType(resource.type, "ssm", "Parameter") && /seed/i.test(String(resource.props.name ?? resource.name))) {
      out.push({ path: "value", message: "a key seed is stored in an SSM parameter; keep it in Secrets Manager" });
      return out;
    }
    walk(resource.props, (path, key, value) => {
      if (!/seed/i.test(key) || REFERENCE_NAME.test(key) || /secret/i.test(key)) return;
      if (typeof value !== "string" || value.length < 16 || value.startsWith("arn:")) return;
      out.push({
        path,
        message: `${path} carries a key seed value; store it in Secrets Manager and pass only the secret ARN`,
      });
    });
    return out;
  },
};
