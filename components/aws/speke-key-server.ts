/**
 * SpekeKeyServer: Keyplane's SPEKE key server on AWS, replacing the console steps of the AWS SPEKE whitepapers.
 * Lambda (bundled from functions/runtimes/entries/speke.ts, arm64) behind the AWS_IAM front door; the key seed in
 * Secrets Manager (generated at create time, or supplied as a Pulumi secret; optional customer KMS key); the function
 * may read only that secret.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SpekeConfigInput } from "../../functions/speke/config";
import { KeySeed } from "../../functions/keys/seed";
import {
  createBundledFunction,
  DEFAULT_LOG_RETENTION_DAYS,
  validateCommon,
  type FunctionSettingsArgs,
} from "./function";
import { checkInput, shown } from "../shared/inputs";
import type { CustomDomainTarget } from "./custom-domain";
import { checkStageName, createSpekeFrontDoor, frontDoorOptions, type SpekeFrontDoorOptions } from "./speke-front-door";
import { allowOn, kmsDecryptViaSecretsManager, type PolicyStatement } from "./iam";
import { ContentKeyRegistryTable, type ContentKeyRegistryRef } from "./content-key-registry";
import type { KeyplaneConfigInput } from "../../functions/config";
import { keyplaneConfigJson } from "../shared/keyplane-config";

export const SPEKE_ENTRY = "functions/runtimes/entries/speke.ts";

export interface SpekeKeyServerArgs extends SpekeFrontDoorOptions, FunctionSettingsArgs {
  /** Base64 key seed (at least 30 bytes). Must be a Pulumi secret. Omit to generate 30 random bytes at create time. */
  keySeed?: pulumi.Input<string>;
  /**
   * Use an existing seed secret (base64 seed, or JSON `{"keySeed": …}`) instead of creating one, e.g. one secret
   * shared with a KeyDeliveryApi created first. Exclusive with `keySeed`.
   */
  existingKeySeedSecretArn?: pulumi.Input<string>;
  /** Customer managed KMS key of the seed secret. Default: the AWS managed key. */
  kmsKeyArn?: pulumi.Input<string>;
  /** SPEKE configuration passed to the function in `KEYPLANE_CONFIG.speke` (templates, PlayReady LA_URL, ...). */
  speke?: pulumi.Input<SpekeConfigInput>;
  /**
   * The content key registry table the function records every served KID in (PutItem only). Default: a new
   * `ContentKeyRegistryTable` child. Give `KeyDeliveryApi` the same table (`contentKeyRegistry` output).
   */
  contentKeyRegistry?: ContentKeyRegistryRef;
  /** API Gateway stage name. Default `v1`. */
  stageName?: pulumi.Input<string>;
  /** Memory of the SPEKE function in MB (default 512; Lambda allots CPU in proportion). */
  memorySize?: number;
  /** Days Secrets Manager waits before deleting the seed secret (7..30). Default 30 (the maximum). */
  secretRecoveryWindowInDays?: pulumi.Input<number>;
}

/** Plan-time seed check (when the value is known): the same validation the function applies at run time. */
export function assertKeySeedText(seed: string): string {
  try {
    KeySeed.fromBase64(seed);
  } catch (e) {
    throw new Error(
      `SpekeKeyServer: keySeed must be base64 of at least 30 bytes (the PlayReady key seed length): ${(e as Error).message}`,
    );
  }
  return seed.trim();
}

export class SpekeKeyServer extends pulumi.ComponentResource {
  /** `https://…/v1/speke` (`https://<customDomain>/speke` with a custom domain): the SPEKE URL for MediaPackage / MediaConvert. */
  readonly url: pulumi.Output<string>;
  /** Alias target (`{ domainName, hostedZoneId }`) for your DNS record when `customDomain` is set without `hostedZoneId`. */
  readonly customDomainTarget: pulumi.Output<CustomDomainTarget | undefined>;
  /** The role MediaPackage / MediaConvert assume (their "SPEKE role ARN"): created, or `packagerRole.existing.arn`. */
  readonly packagerRoleArn: pulumi.Output<string>;
  readonly keySeedSecretArn: pulumi.Output<string>;
  /** The registry table SPEKE writes: pass it to `KeyDeliveryApi.contentKeyRegistry`. */
  readonly contentKeyRegistry: { tableName: pulumi.Output<string>; tableArn: pulumi.Output<string> };
  readonly functionName: pulumi.Output<string>;
  readonly restApiId: pulumi.Output<string>;
  readonly stageName: pulumi.Output<string>;
  /** Size of the deployed bundle (bytes), known at plan time. */
  readonly bundleSizeBytes: number;

  constructor(name: string, args: SpekeKeyServerArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:SpekeKeyServer", name, {}, opts);
    validateCommon("SpekeKeyServer", args);
    const stageName = checkStageName("SpekeKeyServer", args.stageName ?? "v1");
    const recoveryWindow = checkInput(args.secretRecoveryWindowInDays ?? 30, (d) => {
      if (!Number.isInteger(d) || d < 7 || d > 30)
        throw new Error(`SpekeKeyServer: secretRecoveryWindowInDays must be between 7 and 30 (got ${shown(d)})`);
      return d;
    });
    if (typeof args.keySeed === "string") {
      throw new Error(
        "SpekeKeyServer: keySeed must be a Pulumi secret (pulumi.secret(...) or `pulumi config set --secret`), not a plain string",
      );
    }
    if (args.existingKeySeedSecretArn !== undefined && args.keySeed !== undefined) {
      throw new Error("SpekeKeyServer: give keySeed or existingKeySeedSecretArn, not both");
    }
    const parent = this;
    const opt = { parent };
    const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;

    let secretArn: pulumi.Output<string>;
    if (args.existingKeySeedSecretArn !== undefined) {
      secretArn = checkInput(args.existingKeySeedSecretArn, (a) => {
        if (typeof a !== "string" || !/^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret[:/]\S+$/.test(a))
          throw new Error(`SpekeKeyServer: existingKeySeedSecretArn ${shown(a)} is not a Secrets Manager secret ARN`);
        return a;
      });
    } else {
      const seedValue: pulumi.Output<string> =
        args.keySeed !== undefined
          ? pulumi.secret(pulumi.output(args.keySeed).apply(assertKeySeedText))
          : pulumi.secret(new random.RandomBytes(`${name}-key-seed`, { length: 30 }, opt).base64);
      const secret = new aws.secretsmanager.Secret(
        `${name}-key-seed`,
        {
          description: "Keyplane SPEKE key seed (base64). Content keys are derived from it; never log or export it.",
          recoveryWindowInDays: recoveryWindow,
          ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
          tags: args.tags,
        },
        opt,
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-key-seed`,
        { secretId: secret.id, secretString: seedValue },
        { ...opt, additionalSecretOutputs: ["secretString"] },
      );
      secretArn = secret.arn;
    }

    const registry = args.contentKeyRegistry
      ? {
          tableName: pulumi.output(args.contentKeyRegistry.tableName),
          tableArn: pulumi.output(args.contentKeyRegistry.tableArn),
        }
      : (() => {
          const t = new ContentKeyRegistryTable(`${name}-registry`, { ...(args.tags ? { tags: args.tags } : {}) }, opt);
          return { tableName: t.tableName, tableArn: t.tableArn };
        })();

    const statements: pulumi.Input<PolicyStatement>[] = [
      allowOn("ReadKeySeedOnly", "secretsmanager:GetSecretValue", secretArn),
      allowOn("RecordServedKids", "dynamodb:PutItem", registry.tableArn),
    ];
    if (args.kmsKeyArn) {
      const region = aws.getRegionOutput({}, opt);
      statements.push(kmsDecryptViaSecretsManager("DecryptKeySeedViaSecretsManager", args.kmsKeyArn, region.region));
    }

    const fnArgs = {
      entry: SPEKE_ENTRY,
      description: "Keyplane SPEKE key server",
      environment: {
        KEY_SEED_SECRET_ARN: secretArn,
        KEYPLANE_CONFIG: pulumi.all([pulumi.output(args.speke ?? {}), registry.tableName]).apply(([speke, tableName]) =>
          keyplaneConfigJson("SpekeKeyServer", {
            speke: speke as KeyplaneConfigInput["speke"],
            contentKeyRegistry: { type: "dynamodb", tableName },
          }),
        ),
      },
      statements,
      memorySize: args.memorySize ?? 512,
      timeout: 15,
      logRetentionDays,
      ...(args.runtime ? { runtime: args.runtime } : {}),
      ...(args.tags ? { tags: args.tags } : {}),
    };
    const { fn, bundleSizeBytes } = createBundledFunction(`${name}-speke`, fnArgs, parent);
    this.bundleSizeBytes = bundleSizeBytes;

    const door = createSpekeFrontDoor(
      name,
      {
        component: "SpekeKeyServer",
        backend: { kind: "lambda", fn },
        description: "Keyplane SPEKE key server",
        stageName,
        logRetentionDays,
        ...frontDoorOptions(args),
      },
      parent,
    );

    new aws.cloudwatch.MetricAlarm(
      `${name}-fn-errors`,
      {
        alarmDescription: "SPEKE function errors (unhandled exceptions, timeouts)",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fn.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: args.alarmActions ?? [],
        tags: args.tags,
      },
      opt,
    );

    this.url = door.url;
    this.customDomainTarget = door.customDomainTarget;
    this.packagerRoleArn = door.packagerRoleArn;
    this.keySeedSecretArn = secretArn;
    this.contentKeyRegistry = registry;
    this.functionName = fn.name;
    this.restApiId = door.api.id;
    this.stageName = door.stage.stageName;
    this.registerOutputs({
      url: this.url,
      customDomainTarget: this.customDomainTarget,
      packagerRoleArn: this.packagerRoleArn,
      keySeedSecretArn: this.keySeedSecretArn,
      contentKeyRegistry: this.contentKeyRegistry,
      functionName: this.functionName,
      restApiId: this.restApiId,
      stageName: this.stageName,
    });
  }
}
