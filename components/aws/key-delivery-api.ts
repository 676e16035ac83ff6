/**
 * KeyDeliveryApi: the token service, key delivery (ClearKey, HLS AES-128) and license proxy functions behind an API
 * Gateway HTTP API, with CORS allow-lists, throttling, and a DynamoDB table (TTL) for maxuses / replay counters.
 * Content key policies are validated at plan time with the same zod schemas key delivery enforces, then passed in
 * `KEYPLANE_DELIVERY_POLICIES` beside the one `KEYPLANE_CONFIG` document (environment, marked secret in state: policies
 * can hold verification keys, the document a token signing key).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keyDeliveryPoliciesSchema, type PolicyBinding } from "../../functions/policy/bindings";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import { formatIssues } from "../../functions/validation";
import { createBundledFunction, DEFAULT_LOG_RETENTION_DAYS, validateCommon, type NodeRuntime } from "./function";
import { allowOn, kmsDecryptViaSecretsManager, type PolicyStatement } from "./iam";
import type { ContentKeyRegistryRef } from "./content-key-registry";
import { checkInput, checkOptional, shown } from "../shared/inputs";
import { deliveryDocument, type DeliverySettings } from "../shared/keyplane-config";
import {
  checkCustomDomain,
  httpApiCustomDomain,
  type ApiCustomDomainArgs,
  type CustomDomainTarget,
} from "./custom-domain";

export const DELIVERY_ENTRY = "functions/runtimes/entries/delivery.ts";
/** Lambda caps all environment variables at 4 KiB together; keep room for the rest. */
export const MAX_POLICY_ENV_BYTES = 3 * 1024;

export const KEY_DELIVERY_ROUTES = [
  "POST /token",
  "POST /clearkey",
  "GET /hls/key/{kid}",
  "POST /license/{vendor}",
] as const;

export interface KeyDeliveryApiArgs {
  /** The seed secret (SpekeKeyServer.keySeedSecretArn): delivery derives the same keys. */
  keySeedSecretArn: pulumi.Input<string>;
  /** The customer KMS key of that secret, if any. */
  keySeedKmsKeyArn?: pulumi.Input<string>;
  /**
   * Content key policies (functions/policy/model.ts). `policies`, `bindings` and `defaultPolicy` are validated together
   * with the policy model (and against the 3 KiB environment budget): at `pulumi preview` when they are plain, else
   * when they resolve (e.g. a verification key from secret config), before the function is updated.
   */
  policies: pulumi.Input<pulumi.Input<ContentKeyPolicyInput>[]>;
  bindings?: pulumi.Input<pulumi.Input<PolicyBinding>[]>;
  defaultPolicy?: pulumi.Input<string>;
  /**
   * The content key registry (`SpekeKeyServer.contentKeyRegistry`, or a `ContentKeyRegistryTable`), read with
   * GetItem only. Required when a binding names content ids: that is how delivery learns which content a KID is.
   */
  contentKeyRegistry?: ContentKeyRegistryRef;
  /** Browser origins allowed to call the API (https://… or http://localhost). `*` is refused. */
  corsAllowOrigins: pulumi.Input<pulumi.Input<string>[]>;
  throttle?: { burstLimit?: pulumi.Input<number>; rateLimit?: pulumi.Input<number> };
  /** Token service and verification knobs (functions/delivery/config.ts), passed in the `delivery` section. */
  delivery?: pulumi.Input<KeyDeliveryKnobs>;
  /** License proxy configuration (`KEYPLANE_CONFIG.license`, functions/license/config.ts); kept secret in state. */
  license?: pulumi.Input<Record<string, unknown>>;
  /**
   * Existing or create, for the maxuses / replay counter table. Default: a new DynamoDB table (hash key `pk`, TTL on
   * `expiresAt`, PITR, encrypted). `{ existing: { tableName, tableArn } }`: create none; the function may UpdateItem on
   * that table, which must have hash key `pk` (S) and TTL on `expiresAt`.
   */
  useCounterTable?: { existing: { tableName: pulumi.Input<string>; tableArn: pulumi.Input<string> } };
  /**
   * Serve the API on your own host name: a REGIONAL API Gateway domain (TLS 1.2) with the `$default` stage mapped at
   * the root; every URL output then uses `https://<domainName>`. With `hostedZoneId`, a Route 53 alias record too.
   */
  customDomain?: ApiCustomDomainArgs;
  /**
   * Refused: AWS WAF cannot be associated with API Gateway HTTP APIs (only REST APIs; AWS WAF API Reference). Put a
   * CloudFront distribution with your web ACL in front of `url` (or of the custom domain) instead.
   */
  webAclArn?: never;
  /** KMS key for the function's environment (where the policies live). */
  environmentKmsKeyArn?: pulumi.Input<string>;
  runtime?: NodeRuntime;
  memorySize?: number;
  logRetentionDays?: number;
  alarmActions?: pulumi.Input<string>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export type KeyDeliveryKnobs = DeliverySettings;

const ORIGIN_RE = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

/** The plain (resolved) settings `validateKeyDeliveryArgs` checks. */
export interface KeyDeliverySettings {
  keySeedSecretArn?: unknown;
  policies: ContentKeyPolicyInput[];
  bindings?: PolicyBinding[];
  defaultPolicy?: string;
  contentKeyRegistry?: unknown;
  corsAllowOrigins: string[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  delivery?: KeyDeliveryKnobs;
}

export function checkCorsOrigins(origins: string[]): string[] {
  if (!Array.isArray(origins))
    throw new Error(`KeyDeliveryApi: corsAllowOrigins must be a list of origins (got ${shown(origins)})`);
  for (const o of origins) {
    if (o === "*") throw new Error('KeyDeliveryApi: corsAllowOrigins cannot be "*"; list the player origins');
    if (typeof o !== "string" || !ORIGIN_RE.test(o))
      throw new Error(
        `KeyDeliveryApi: corsAllowOrigins ${shown(o)} is not an origin (https://host[:port], or http://localhost for development)`,
      );
  }
  return origins;
}

function checkBurst(b: number): number {
  if (!Number.isInteger(b) || b < 1 || b > 5000)
    throw new Error(`KeyDeliveryApi: throttle.burstLimit must be 1..5000 (got ${shown(b)})`);
  return b;
}
function checkRate(r: number): number {
  if (!(r > 0) || r > 10000)
    throw new Error(`KeyDeliveryApi: throttle.rateLimit must be > 0 and ≤ 10000 (got ${shown(r)})`);
  return r;
}

/** Policies, bindings and default policy, validated with the policy model; returns the JSON the function reads. */
export function checkPolicies(
  p: { policies: ContentKeyPolicyInput[]; bindings?: PolicyBinding[]; defaultPolicy?: string },
  hasRegistry: boolean,
): string {
  const r = keyDeliveryPoliciesSchema.safeParse({
    policies: p.policies,
    bindings: p.bindings ?? [],
    ...(p.defaultPolicy ? { defaultPolicy: p.defaultPolicy } : {}),
  });
  if (!r.success) throw new Error(`KeyDeliveryApi: invalid policies: ${formatIssues(r.error)}`);
  const contentIds = r.data.bindings.flatMap((b) => b.contentIds ?? []);
  if (contentIds.length > 0 && !hasRegistry) {
    throw new Error(
      `KeyDeliveryApi: bindings name content ids (${contentIds
        .slice(0, 3)
        .map((c) => JSON.stringify(c))
        .join(
          ", ",
        )}${contentIds.length > 3 ? ", …" : ""}) but contentKeyRegistry is not set: key delivery learns which content a KID belongs to only from the registry SPEKE writes (pass SpekeKeyServer.contentKeyRegistry)`,
    );
  }
  const json = JSON.stringify(r.data);
  if (Buffer.byteLength(json) > MAX_POLICY_ENV_BYTES) {
    throw new Error(
      `KeyDeliveryApi: the policies take ${Buffer.byteLength(json)} bytes as JSON; Lambda environments hold 4 KiB in all, so keep them under ${MAX_POLICY_ENV_BYTES} bytes (use OpenID discovery or fewer keys)`,
    );
  }
  return json;
}

/** Token service knobs, validated with the core's schema (in a document of their own); returns them. */
export function checkDeliveryKnobs(k: KeyDeliveryKnobs): KeyDeliveryKnobs {
  deliveryDocument("KeyDeliveryApi", {
    settings: k ?? {},
    corsAllowOrigins: [],
    useCounter: { type: "dynamodb", tableName: "plan-time-check" },
  });
  return k ?? {};
}

/** All plan-time checks on plain settings (the component runs the same checks per argument, on Inputs). */
export function validateKeyDeliveryArgs(args: KeyDeliverySettings): string {
  if (!args) throw new Error("KeyDeliveryApi: args are required");
  if (!args.keySeedSecretArn) throw new Error("KeyDeliveryApi: keySeedSecretArn is required");
  checkCorsOrigins(args.corsAllowOrigins);
  const t = args.throttle ?? {};
  if (t.burstLimit !== undefined) checkBurst(t.burstLimit);
  if (t.rateLimit !== undefined) checkRate(t.rateLimit);
  const json = checkPolicies(args, !!args.contentKeyRegistry);
  checkDeliveryKnobs(args.delivery ?? {});
  return json;
}

export class KeyDeliveryApi extends pulumi.ComponentResource {
  /** Base URL (`https://{id}.execute-api.{region}.amazonaws.com`, or `https://<customDomain.domainName>`). */
  readonly url: pulumi.Output<string>;
  /** Alias target (`{ domainName, hostedZoneId }`) for your DNS record when `customDomain` is set without `hostedZoneId`. */
  readonly customDomainTarget: pulumi.Output<CustomDomainTarget | undefined>;
  /** W3C ClearKey license URL for players (`…/clearkey`). */
  readonly clearKeyLicenseUrl: pulumi.Output<string>;
  /** HLS AES-128 key URL template (`…/hls/key/{kid}`). */
  readonly hlsKeyUrlTemplate: pulumi.Output<string>;
  readonly tokenUrl: pulumi.Output<string>;
  /** License proxy URL template (`…/license/{vendor}`). */
  readonly licenseUrlTemplate: pulumi.Output<string>;
  /** Drop-in `speke` settings for SpekeKeyServer so HLS signalling points here. */
  readonly spekeSignalling: pulumi.Output<{ publicBaseUrl: string; hlsKeyUrlTemplate: string }>;
  /** The use-counter (maxuses / replay) table: created, or `useCounterTable.existing.tableName`. */
  readonly replayTableName: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  /** Size of the deployed bundle (bytes). */
  readonly bundleSizeBytes: number;

  constructor(name: string, args: KeyDeliveryApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:KeyDeliveryApi", name, {}, opts);
    validateCommon("KeyDeliveryApi", args ?? ({} as KeyDeliveryApiArgs));
    if (!args) throw new Error("KeyDeliveryApi: args are required");
    if (!args.keySeedSecretArn) throw new Error("KeyDeliveryApi: keySeedSecretArn is required");
    if ((args as { webAclArn?: unknown }).webAclArn !== undefined) {
      throw new Error(
        "KeyDeliveryApi: webAclArn is not supported: AWS WAF cannot be associated with API Gateway HTTP APIs (REST APIs only). Put a CloudFront distribution with your web ACL in front of the key delivery URL instead",
      );
    }
    if (args.corsAllowOrigins === undefined)
      throw new Error("KeyDeliveryApi: corsAllowOrigins must be a list of origins");
    // Each argument is checked now when plain (errors at `pulumi preview`), else when it resolves.
    const cors = checkInput(args.corsAllowOrigins, checkCorsOrigins);
    const burstLimit = checkOptional(args.throttle?.burstLimit, checkBurst);
    const rateLimit = checkOptional(args.throttle?.rateLimit, checkRate);
    const policiesJson = checkInput(
      { policies: args.policies, bindings: args.bindings ?? [], defaultPolicy: args.defaultPolicy },
      (p) => checkPolicies(p as Parameters<typeof checkPolicies>[0], !!args.contentKeyRegistry),
    );
    const knobs = checkInput(args.delivery ?? {}, (k) => checkDeliveryKnobs(k as KeyDeliveryKnobs));
    const seedArn = checkInput(args.keySeedSecretArn, (a) => {
      if (typeof a !== "string" || !/^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret[:/]\S+$/.test(a))
        throw new Error(`KeyDeliveryApi: keySeedSecretArn ${shown(a)} is not a Secrets Manager secret ARN`);
      return a;
    });
    const customDomain = args.customDomain ? checkCustomDomain("KeyDeliveryApi", args.customDomain) : undefined;
    const parent = this;
    const opt = { parent };
    const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;

    let counterTable: { name: pulumi.Output<string>; arn: pulumi.Output<string> };
    if (args.useCounterTable?.existing) {
      const ex = args.useCounterTable.existing;
      if (!ex.tableName || !ex.tableArn)
        throw new Error("KeyDeliveryApi: useCounterTable.existing needs tableName and tableArn");
      counterTable = {
        name: pulumi.output(ex.tableName),
        arn: checkInput(ex.tableArn, (a) => {
          if (typeof a !== "string" || !/^arn:[a-z-]+:dynamodb:[a-z0-9-]+:\d{12}:table\/\S+$/.test(a))
            throw new Error(
              `KeyDeliveryApi: useCounterTable.existing.tableArn ${shown(a)} is not a DynamoDB table ARN`,
            );
          return a;
        }),
      };
    } else {
      const table = new aws.dynamodb.Table(
        `${name}-replay`,
        {
          billingMode: "PAY_PER_REQUEST",
          hashKey: "pk",
          attributes: [{ name: "pk", type: "S" }],
          ttl: { attributeName: "expiresAt", enabled: true },
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true },
          tags: args.tags,
        },
        opt,
      );
      counterTable = { name: table.name, arn: table.arn };
    }

    const region = aws.getRegionOutput({}, opt);
    const statements: pulumi.Input<PolicyStatement>[] = [
      allowOn("ReadKeySeedOnly", "secretsmanager:GetSecretValue", seedArn),
      allowOn("CountTokenUses", "dynamodb:UpdateItem", counterTable.arn),
    ];
    const registry = args.contentKeyRegistry;
    if (registry) {
      statements.push(allowOn("ReadContentKeyRegistry", "dynamodb:GetItem", registry.tableArn));
    }
    if (args.keySeedKmsKeyArn) {
      statements.push(
        kmsDecryptViaSecretsManager("DecryptKeySeedViaSecretsManager", args.keySeedKmsKeyArn, region.region),
      );
    }

    // One document (KEYPLANE_CONFIG) for the delivery, license and registry sections; the policies beside it in the
    // variable `delivery.policyEnv` names by default.
    const keyplaneConfig = pulumi
      .all([
        counterTable.name,
        registry ? pulumi.output(registry.tableName) : undefined,
        cors,
        pulumi.output(args.license),
        knobs,
      ])
      .apply(([useCounterTable, registryTable, corsAllowOrigins, license, settings]) =>
        deliveryDocument("KeyDeliveryApi", {
          settings,
          corsAllowOrigins,
          useCounter: { type: "dynamodb", tableName: useCounterTable },
          ...(registryTable ? { contentKeyRegistry: { type: "dynamodb", tableName: registryTable } } : {}),
          license,
        }),
      );
    const environment = pulumi.secret(
      pulumi.all([keyplaneConfig, seedArn, policiesJson]).apply(([cfg, arn, json]) => ({
        KEY_SEED_SECRET_ARN: arn,
        KEYPLANE_CONFIG: cfg,
        KEYPLANE_DELIVERY_POLICIES: json,
      })),
    );
    const { fn, bundleSizeBytes } = createBundledFunction(
      `${name}-delivery`,
      {
        entry: DELIVERY_ENTRY,
        description: "Keyplane key delivery, token service and license proxy",
        environment,
        secretEnvironment: true,
        statements,
        memorySize: args.memorySize ?? 512,
        timeout: 15,
        logRetentionDays,
        ...(args.environmentKmsKeyArn ? { kmsKeyArn: args.environmentKmsKeyArn } : {}),
        ...(args.runtime ? { runtime: args.runtime } : {}),
        ...(args.tags ? { tags: args.tags } : {}),
      },
      parent,
    );

    this.bundleSizeBytes = bundleSizeBytes;
    const api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        protocolType: "HTTP",
        description: "Keyplane key delivery",
        corsConfiguration: {
          allowOrigins: cors,
          allowMethods: ["GET", "POST", "OPTIONS"],
          allowHeaders: ["authorization", "content-type", "x-request-id"],
          exposeHeaders: ["x-request-id"],
          allowCredentials: false,
          maxAge: 600,
        },
        tags: args.tags,
      },
      opt,
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationUri: fn.invokeArn,
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
          function: fn.name,
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${api.executionArn}/*/${method}${path.replace(/\{[^}]+\}/g, "*")}`,
        },
        opt,
      );
    }
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { retentionInDays: logRetentionDays, tags: args.tags },
      opt,
    );
    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingBurstLimit: burstLimit ?? 200,
          throttlingRateLimit: rateLimit ?? 100,
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
        tags: args.tags,
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
          alarmActions: args.alarmActions ?? [],
          tags: args.tags,
        },
        opt,
      );
    }

    let base: pulumi.Output<string> = api.apiEndpoint;
    this.customDomainTarget = pulumi.output(undefined);
    if (customDomain) {
      this.customDomainTarget = httpApiCustomDomain(name, customDomain, api, stage, args.tags, parent);
      base = pulumi.interpolate`https://${customDomain.domainName}`;
    }
    this.url = base;
    this.clearKeyLicenseUrl = pulumi.interpolate`${base}/clearkey`;
    this.hlsKeyUrlTemplate = pulumi.interpolate`${base}/hls/key/{kid}`;
    this.tokenUrl = pulumi.interpolate`${base}/token`;
    this.licenseUrlTemplate = pulumi.interpolate`${base}/license/{vendor}`;
    this.spekeSignalling = base.apply((u) => ({ publicBaseUrl: u, hlsKeyUrlTemplate: "{base_url}/hls/key/{kid}" }));
    this.replayTableName = counterTable.name;
    this.functionName = fn.name;
    this.registerOutputs({
      url: this.url,
      customDomainTarget: this.customDomainTarget,
      clearKeyLicenseUrl: this.clearKeyLicenseUrl,
      hlsKeyUrlTemplate: this.hlsKeyUrlTemplate,
      tokenUrl: this.tokenUrl,
      licenseUrlTemplate: this.licenseUrlTemplate,
      spekeSignalling: this.spekeSignalling,
      replayTableName: this.replayTableName,
      functionName: this.functionName,
    });
  }
}
