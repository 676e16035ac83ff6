/**
 * KeyDeliveryApi: the token service, key delivery (ClearKey, HLS AES-128) and license proxy functions behind an API
 * Gateway HTTP API, with CORS allow-lists, throttling, and a DynamoDB table (TTL) for maxuses / replay counters.
 * Content key policies are validated at plan time with the same zod schemas key delivery enforces, then passed as
 * configuration (environment, marked secret in state: policies can hold verification keys).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keyDeliveryPoliciesSchema, type PolicyBinding } from "../../functions/policy/bindings";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import { formatIssues } from "../../functions/policy/validate";
import { deliveryConfigSchema } from "../../functions/delivery/config";
import { createBundledFunction, DEFAULT_LOG_RETENTION_DAYS, validateCommon, type NodeRuntime } from "./function";
import type { PolicyStatement } from "./iam";
import type { ContentKeyRegistryRef } from "./content-key-registry";

export const DELIVERY_ENTRY = "functions/runtimes/entries/delivery.ts";
/** Lambda caps all environment variables at 4 KiB together; keep room for the rest. */
export const MAX_POLICY_ENV_BYTES = 3 * 1024;

export const KEY_DELIVERY_ROUTES = ["POST /token", "POST /clearkey", "GET /hls/key/{kid}", "POST /license/{vendor}"] as const;

export interface KeyDeliveryApiArgs {
  /** The seed secret (SpekeKeyServer.keySeedSecretArn): delivery derives the same keys. */
  keySeedSecretArn: pulumi.Input<string>;
  /** The customer KMS key of that secret, if any. */
  keySeedKmsKeyArn?: pulumi.Input<string>;
  /** Content key policies (functions/policy/model.ts). */
  policies: ContentKeyPolicyInput[];
  bindings?: PolicyBinding[];
  defaultPolicy?: string;
  /**
   * The content key registry (`SpekeKeyServer.contentKeyRegistry`, or a `ContentKeyRegistryTable`), read with
   * GetItem only. Required when a binding names content ids: that is how delivery learns which content a KID is.
   */
  contentKeyRegistry?: ContentKeyRegistryRef;
  /** Browser origins allowed to call the API (https://… or http://localhost). `*` is refused. */
  corsAllowOrigins: string[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  /** Token service and verification knobs (functions/delivery/config.ts), passed as the delivery's environment knobs. */
  delivery?: KeyDeliveryKnobs;
  /** License proxy configuration (`KEYPLANE_CONFIG.license`, functions/license/config.ts). */
  license?: Record<string, unknown>;
  /** KMS key for the function's environment (where the policies live). */
  environmentKmsKeyArn?: pulumi.Input<string>;
  runtime?: NodeRuntime;
  memorySize?: number;
  logRetentionDays?: number;
  alarmActions?: pulumi.Input<string>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface KeyDeliveryKnobs {
  tokenIssuer?: {
    issuer?: string;
    audience?: string;
    /** `{ alg: "HS256", keyBase64 }` or `{ alg: "RS256" | "ES256", privateKeyPem }`: a secret (kept secret in state). */
    signingKey?: Record<string, unknown>;
  };
  tokenLifetimeSeconds?: number;
  maxTokenLifetimeSeconds?: number;
  clockSkewSeconds?: number;
  policyCacheTtlSeconds?: number;
}

/** The environment variables the delivery entry reads (functions/delivery/config.ts `loadDeliveryConfig`). */
export function deliveryKnobEnv(k: KeyDeliveryKnobs = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const num = (name: string, v: number | undefined) => { if (v !== undefined) env[name] = String(v); };
  if (k.tokenIssuer?.issuer) env.KEYPLANE_TOKEN_ISSUER = k.tokenIssuer.issuer;
  if (k.tokenIssuer?.audience) env.KEYPLANE_TOKEN_AUDIENCE = k.tokenIssuer.audience;
  if (k.tokenIssuer?.signingKey) env.KEYPLANE_TOKEN_SIGNING_KEY = JSON.stringify(k.tokenIssuer.signingKey);
  num("KEYPLANE_TOKEN_LIFETIME_SECONDS", k.tokenLifetimeSeconds);
  num("KEYPLANE_TOKEN_MAX_LIFETIME_SECONDS", k.maxTokenLifetimeSeconds);
  num("KEYPLANE_CLOCK_SKEW_SECONDS", k.clockSkewSeconds);
  num("KEYPLANE_POLICY_CACHE_TTL_SECONDS", k.policyCacheTtlSeconds);
  return env;
}

const ORIGIN_RE = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

export function validateKeyDeliveryArgs(args: KeyDeliveryApiArgs): string {
  if (!args) throw new Error("KeyDeliveryApi: args are required");
  if (!args.keySeedSecretArn) throw new Error("KeyDeliveryApi: keySeedSecretArn is required");
  if (!Array.isArray(args.corsAllowOrigins)) throw new Error("KeyDeliveryApi: corsAllowOrigins must be a list of origins");
  for (const o of args.corsAllowOrigins) {
    if (o === "*") throw new Error("KeyDeliveryApi: corsAllowOrigins cannot be \"*\"; list the player origins");
    if (!ORIGIN_RE.test(o)) throw new Error(`KeyDeliveryApi: "${o}" is not an origin (https://host[:port], or http://localhost for development)`);
  }
  const t = args.throttle ?? {};
  if (t.burstLimit !== undefined && (!Number.isInteger(t.burstLimit) || t.burstLimit < 1 || t.burstLimit > 5000)) throw new Error("KeyDeliveryApi: throttle.burstLimit must be 1..5000");
  if (t.rateLimit !== undefined && (!(t.rateLimit > 0) || t.rateLimit > 10000)) throw new Error("KeyDeliveryApi: throttle.rateLimit must be > 0 and ≤ 10000");
  const r = keyDeliveryPoliciesSchema.safeParse({ policies: args.policies, bindings: args.bindings ?? [], ...(args.defaultPolicy ? { defaultPolicy: args.defaultPolicy } : {}) });
  if (!r.success) throw new Error(`KeyDeliveryApi: invalid policies: ${formatIssues(r.error)}`);
  const contentIds = r.data.bindings.flatMap((b) => b.contentIds ?? []);
  if (contentIds.length > 0 && !args.contentKeyRegistry) {
    throw new Error(`KeyDeliveryApi: bindings name content ids (${contentIds.slice(0, 3).map((c) => JSON.stringify(c)).join(", ")}${contentIds.length > 3 ? ", …" : ""}) but contentKeyRegistry is not set: key delivery learns which content a KID belongs to only from the registry SPEKE writes (pass SpekeKeyServer.contentKeyRegistry)`);
  }
  const knobs = deliveryConfigSchema.safeParse({
    ...(args.delivery ?? {}),
    cors: { allowOrigins: args.corsAllowOrigins },
    useCounter: { type: "dynamodb", tableName: "plan-time-check" },
  });
  if (!knobs.success) throw new Error(`KeyDeliveryApi: invalid delivery settings: ${formatIssues(knobs.error)}`);
  const json = JSON.stringify(r.data);
  if (Buffer.byteLength(json) > MAX_POLICY_ENV_BYTES) {
    throw new Error(`KeyDeliveryApi: the policies take ${Buffer.byteLength(json)} bytes as JSON; Lambda environments hold 4 KiB in all, so keep them under ${MAX_POLICY_ENV_BYTES} bytes (use OpenID discovery or fewer keys)`);
  }
  return json;
}

export class KeyDeliveryApi extends pulumi.ComponentResource {
  /** Base URL (`https://{id}.execute-api.{region}.amazonaws.com`). */
  readonly url: pulumi.Output<string>;
  /** W3C ClearKey license URL for players (`…/clearkey`). */
  readonly clearKeyLicenseUrl: pulumi.Output<string>;
  /** HLS AES-128 key URL template (`…/hls/key/{kid}`). */
  readonly hlsKeyUrlTemplate: pulumi.Output<string>;
  readonly tokenUrl: pulumi.Output<string>;
  /** License proxy URL template (`…/license/{vendor}`). */
  readonly licenseUrlTemplate: pulumi.Output<string>;
  /** Drop-in `speke` settings for SpekeKeyServer so HLS signalling points here. */
  readonly spekeSignalling: pulumi.Output<{ publicBaseUrl: string; hlsKeyUrlTemplate: string }>;
  readonly replayTableName: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  /** Size of the deployed bundle (bytes). */
  readonly bundleSizeBytes: number;

  constructor(name: string, args: KeyDeliveryApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:KeyDeliveryApi", name, {}, opts);
    validateCommon("KeyDeliveryApi", args ?? ({} as KeyDeliveryApiArgs));
    const policiesJson = validateKeyDeliveryArgs(args);
    const parent = this;
    const opt = { parent };
    const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;

    const table = new aws.dynamodb.Table(`${name}-replay`, {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      attributes: [{ name: "pk", type: "S" }],
      ttl: { attributeName: "expiresAt", enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      tags: args.tags,
    }, opt);

    const region = aws.getRegionOutput({}, opt);
    const statements: pulumi.Input<PolicyStatement>[] = [
      pulumi.output(args.keySeedSecretArn).apply((arn): PolicyStatement => ({ Sid: "ReadKeySeedOnly", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arn })),
      table.arn.apply((arn): PolicyStatement => ({ Sid: "CountTokenUses", Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: arn })),
    ];
    const registry = args.contentKeyRegistry;
    if (registry) {
      statements.push(pulumi.output(registry.tableArn).apply((arn): PolicyStatement => ({ Sid: "ReadContentKeyRegistry", Effect: "Allow", Action: "dynamodb:GetItem", Resource: arn })));
    }
    if (args.keySeedKmsKeyArn) {
      statements.push(pulumi.all([args.keySeedKmsKeyArn, region.region]).apply(([k, r]): PolicyStatement => ({
        Sid: "DecryptKeySeedViaSecretsManager", Effect: "Allow", Action: "kms:Decrypt", Resource: k,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${r}.amazonaws.com` } },
      })));
    }

    // The delivery entry builds its delivery section from environment knobs (loadDeliveryConfig); KEYPLANE_CONFIG
    // carries the same values for the shared parser, plus the license proxy section.
    const keyplaneConfig = pulumi.all([table.name, registry ? pulumi.output(registry.tableName) : undefined]).apply(([tableName, registryTable]) => JSON.stringify({
      delivery: { cors: { allowOrigins: args.corsAllowOrigins }, useCounter: { type: "dynamodb", tableName }, policyEnv: "KEYPLANE_DELIVERY_POLICIES" },
      license: args.license ?? {},
      ...(registryTable ? { contentKeyRegistry: { type: "dynamodb", tableName: registryTable } } : {}),
    }));
    const environment = pulumi.secret(pulumi.all([keyplaneConfig, table.name, args.keySeedSecretArn]).apply(([cfg, tableName, seedArn]) => ({
      KEY_SEED_SECRET_ARN: seedArn,
      KEYPLANE_CONFIG: cfg,
      KEYPLANE_DELIVERY_POLICIES: policiesJson,
      KEYPLANE_USE_COUNTER_TABLE: tableName,
      KEYPLANE_CORS_ORIGINS: args.corsAllowOrigins.join(","),
      ...deliveryKnobEnv(args.delivery),
    })));
    const { fn, bundleSizeBytes } = createBundledFunction(`${name}-delivery`, {
      entry: DELIVERY_ENTRY,
      description: "Keyplane key delivery, token service and license proxy",
      environment,
      statements,
      memorySize: args.memorySize ?? 512,
      timeout: 15,
      logRetentionDays,
      ...(args.environmentKmsKeyArn ? { kmsKeyArn: args.environmentKmsKeyArn } : {}),
      ...(args.runtime ? { runtime: args.runtime } : {}),
      ...(args.tags ? { tags: args.tags } : {}),
    }, parent);

    this.bundleSizeBytes = bundleSizeBytes;
    const api = new aws.apigatewayv2.Api(`${name}-api`, {
      protocolType: "HTTP",
      description: "Keyplane key delivery",
      corsConfiguration: {
        allowOrigins: args.corsAllowOrigins,
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["authorization", "content-type", "x-request-id"],
        exposeHeaders: ["x-request-id"],
        allowCredentials: false,
        maxAge: 600,
      },
      tags: args.tags,
    }, opt);
    const integration = new aws.apigatewayv2.Integration(`${name}-integration`, {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: fn.invokeArn,
      integrationMethod: "POST",
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: 15_000,
    }, opt);
    for (const routeKey of KEY_DELIVERY_ROUTES) {
      const slug = routeKey.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      new aws.apigatewayv2.Route(`${name}-${slug}`, { apiId: api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}` }, opt);
      const [method, path] = routeKey.split(" ") as [string, string];
      new aws.lambda.Permission(`${name}-${slug}-invoke`, {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/${method}${path.replace(/\{[^}]+\}/g, "*")}`,
      }, opt);
    }
    const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { retentionInDays: logRetentionDays, tags: args.tags }, opt);
    new aws.apigatewayv2.Stage(`${name}-stage`, {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingBurstLimit: args.throttle?.burstLimit ?? 200,
        throttlingRateLimit: args.throttle?.rateLimit ?? 100,
        detailedMetricsEnabled: true,
      },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        // $context.path would carry `?token=` query strings on some routes: log the route key instead.
        format: JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status", responseLength: "$context.responseLength", integrationLatency: "$context.integrationLatency" }),
      },
      tags: args.tags,
    }, opt);
    for (const [suffix, metricName, threshold] of [["5xx", "5xx", 1], ["4xx", "4xx", 50]] as const) {
      new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, {
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
        alarmActions: args.alarmActions ?? [],
        tags: args.tags,
      }, opt);
    }

    this.url = api.apiEndpoint;
    this.clearKeyLicenseUrl = pulumi.interpolate`${api.apiEndpoint}/clearkey`;
    this.hlsKeyUrlTemplate = pulumi.interpolate`${api.apiEndpoint}/hls/key/{kid}`;
    this.tokenUrl = pulumi.interpolate`${api.apiEndpoint}/token`;
    this.licenseUrlTemplate = pulumi.interpolate`${api.apiEndpoint}/license/{vendor}`;
    this.spekeSignalling = api.apiEndpoint.apply((u) => ({ publicBaseUrl: u, hlsKeyUrlTemplate: "{base_url}/hls/key/{kid}" }));
    this.replayTableName = table.name;
    this.functionName = fn.name;
    this.registerOutputs({
      url: this.url, clearKeyLicenseUrl: this.clearKeyLicenseUrl, hlsKeyUrlTemplate: this.hlsKeyUrlTemplate, tokenUrl: this.tokenUrl,
      licenseUrlTemplate: this.licenseUrlTemplate, spekeSignalling: this.spekeSignalling, replayTableName: this.replayTableName, functionName: this.functionName,
    });
  }
}
