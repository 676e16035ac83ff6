/**
 * KeyDeliveryApi: the token service, key delivery (ClearKey, HLS AES-128) and license proxy functions behind an API
 * Gateway HTTP API (key-delivery-api-http.ts), with CORS allow-lists, throttling, and a DynamoDB table (TTL) for
 * maxuses / replay counters. Arguments and their plan-time checks are in key-delivery-api-args.ts. Content key policies
 * are passed in `KEYPLANE_DELIVERY_POLICIES` beside the one `KEYPLANE_CONFIG` document (environment, marked secret in
 * state: policies can hold verification keys, the document a token signing key).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createBundledFunction, DEFAULT_LOG_RETENTION_DAYS, validateCommon } from "./function";
import { allowOn, kmsDecryptViaSecretsManager, type PolicyStatement } from "./iam";
import { checkInput, checkOptional, shown } from "../shared/inputs";
import { deliveryDocument } from "../shared/keyplane-config";
import { checkCustomDomain, httpApiCustomDomain, type CustomDomainTarget } from "./custom-domain";
import {
  checkBurst,
  checkCorsOrigins,
  checkDeliveryKnobs,
  checkEnvironmentSize,
  checkPolicies,
  checkRate,
  type KeyDeliveryApiArgs,
  type KeyDeliveryKnobs,
} from "./key-delivery-api-args";
import { deliveryHttpApi } from "./key-delivery-api-http";

export {
  checkCorsOrigins,
  checkEnvironmentSize,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  checkDeliveryKnobs,
  checkPolicies,
  MAX_POLICY_ENV_BYTES,
  validateKeyDeliveryArgs,
  type KeyDeliveryApiArgs,
  type KeyDeliveryKnobs,
  type KeyDeliverySettings,
} from "./key-delivery-api-args";
export { KEY_DELIVERY_ROUTES } from "./key-delivery-api-http";

export const DELIVERY_ENTRY = "functions/runtimes/entries/delivery.ts";

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
      pulumi
        .all([keyplaneConfig, seedArn, policiesJson])
        .apply(([cfg, arn, json]) =>
          checkEnvironmentSize({ KEY_SEED_SECRET_ARN: arn, KEYPLANE_CONFIG: cfg, KEYPLANE_DELIVERY_POLICIES: json }),
        ),
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
    const { api, stage } = deliveryHttpApi(
      name,
      {
        fn,
        cors,
        ...(burstLimit !== undefined ? { burstLimit } : {}),
        ...(rateLimit !== undefined ? { rateLimit } : {}),
        logRetentionDays,
        ...(args.alarmActions ? { alarmActions: args.alarmActions } : {}),
        ...(args.tags ? { tags: args.tags } : {}),
      },
      parent,
    );

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
