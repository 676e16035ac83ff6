/**
 * SpekeCertificate: imports the SPEKE content-key-encryption certificate into ACM and deploys an expiry watchdog,
 * because ACM never renews imported certificates. The watchdog is a scheduled Lambda (functions/cert-watchdog) that
 * publishes `Keyplane/Certificates DaysToExpiry` daily; an alarm fires below `alarmDaysBeforeExpiry` (and when the
 * metric goes missing, so a broken watchdog is noticed too).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_METRIC_NAMESPACE, DAYS_TO_EXPIRY_METRIC } from "../../functions/cert-watchdog/watchdog";
import { checkSpekeCertificate } from "./certificate-check";
import {
  createBundledFunction,
  DEFAULT_LOG_RETENTION_DAYS,
  validateCommon,
  type FunctionSettingsArgs,
} from "./function";
import type { PolicyStatement } from "./iam";
import { keyplaneConfigJson } from "../shared/keyplane-config";

export const CERT_WATCHDOG_ENTRY = "functions/runtimes/entries/cert-watchdog.ts";

export interface SpekeCertificateArgs extends FunctionSettingsArgs {
  /** PEM certificate (2048-bit RSA). Public, but accepted as a secret too. */
  certificateBody: pulumi.Input<string>;
  /** PEM private key (unencrypted). Must be a Pulumi secret. */
  privateKey: pulumi.Input<string>;
  /** PEM chain of intermediates, if any. */
  certificateChain?: pulumi.Input<string>;
  /**
   * Check at plan time that privateKey matches the certificate (default true). Turn off only where the key cannot be
   * known, e.g. the offline review with a placeholder for an encrypted `secure:` value; ACM still refuses a mismatch.
   */
  checkPrivateKey?: boolean;
  /** Alarm when fewer days remain. Default 30. */
  alarmDaysBeforeExpiry?: number;
  /** EventBridge schedule of the watchdog. Default `rate(1 day)`. */
  schedule?: string;
  /** CloudWatch namespace for the metric. Default `Keyplane/Certificates`. */
  metricNamespace?: string;
  /** SNS topic ARNs notified when the expiry alarm fires and when it clears. */
  alarmActions?: pulumi.Input<string>[];
}

export class SpekeCertificate extends pulumi.ComponentResource {
  /** Give this ARN to MediaPackage (`certificateArn` of the SPEKE key provider). */
  readonly certificateArn: pulumi.Output<string>;
  readonly notAfter: pulumi.Output<string>;
  readonly watchdogFunctionName: pulumi.Output<string>;
  readonly expiryAlarmArn: pulumi.Output<string>;
  /** Size of the deployed watchdog bundle (bytes). */
  readonly bundleSizeBytes: number;

  constructor(name: string, args: SpekeCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:SpekeCertificate", name, {}, opts);
    validateCommon("SpekeCertificate", args);
    if (!args.certificateBody) throw new Error("SpekeCertificate: certificateBody is required");
    if (!args.privateKey) throw new Error("SpekeCertificate: privateKey is required");
    if (typeof args.privateKey === "string")
      throw new Error(
        "SpekeCertificate: privateKey must be a Pulumi secret (pulumi.secret(...) or `pulumi config set --secret`)",
      );
    const alarmDays = args.alarmDaysBeforeExpiry ?? 30;
    if (!Number.isInteger(alarmDays) || alarmDays < 1 || alarmDays > 365)
      throw new Error("SpekeCertificate: alarmDaysBeforeExpiry must be an integer 1..365");
    const schedule = args.schedule ?? "rate(1 day)";
    if (!/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(schedule))
      throw new Error(`SpekeCertificate: schedule "${schedule}" is not an EventBridge rate() or cron() expression`);
    const namespace = args.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    if (namespace.startsWith("AWS/")) throw new Error("SpekeCertificate: metricNamespace cannot start with AWS/");
    // Checked now when the PEM is a plain value (clear error at `pulumi preview`), else when it resolves.
    if (typeof args.certificateBody === "string") checkSpekeCertificate(args.certificateBody);
    const parent = this;
    const opt = { parent };

    const checkKey = args.checkPrivateKey ?? true;
    const checked = pulumi
      .all([args.certificateBody, args.privateKey])
      .apply(([c, k]) => checkSpekeCertificate(c, checkKey ? k : undefined));
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      {
        certificateBody: pulumi.all([args.certificateBody, checked]).apply(([c]) => c),
        privateKey: pulumi.secret(args.privateKey),
        ...(args.certificateChain ? { certificateChain: args.certificateChain } : {}),
        tags: pulumi
          .output(args.tags ?? {})
          .apply((t) => ({ ...t, "keyplane:purpose": "speke-content-key-encryption" })),
      },
      { ...opt, additionalSecretOutputs: ["privateKey"] },
    );

    const statements: pulumi.Input<PolicyStatement>[] = [
      certificate.arn.apply(
        (arn): PolicyStatement => ({
          Sid: "DescribeThisCertificate",
          Effect: "Allow",
          Action: "acm:DescribeCertificate",
          Resource: arn,
        }),
      ),
      // PutMetricData has no resource-level permissions; the namespace condition scopes it.
      {
        Sid: "PublishExpiryMetric",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": namespace } },
      },
    ];
    const { fn, bundleSizeBytes } = createBundledFunction(
      `${name}-watchdog`,
      {
        entry: CERT_WATCHDOG_ENTRY,
        description: "Keyplane certificate expiry watchdog",
        environment: {
          KEYPLANE_CONFIG: certificate.arn.apply((arn) =>
            keyplaneConfigJson("SpekeCertificate", { certificateWatchdog: { certificateArns: [arn], namespace } }),
          ),
        },
        statements,
        memorySize: 256,
        timeout: 30,
        logRetentionDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
        ...(args.runtime ? { runtime: args.runtime } : {}),
        ...(args.tags ? { tags: args.tags } : {}),
      },
      parent,
    );

    this.bundleSizeBytes = bundleSizeBytes;
    const rule = new aws.cloudwatch.EventRule(
      `${name}-watchdog-schedule`,
      {
        description: "Runs the Keyplane certificate expiry watchdog",
        scheduleExpression: schedule,
        tags: args.tags,
      },
      opt,
    );
    new aws.lambda.Permission(
      `${name}-watchdog-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      opt,
    );
    new aws.cloudwatch.EventTarget(`${name}-watchdog-target`, { rule: rule.name, arn: fn.arn }, opt);
    // Run once at deploy (and whenever the certificate changes) so the metric exists before the first schedule tick;
    // otherwise the alarm, which treats missing data as breaching, would start in ALARM.
    new aws.lambda.Invocation(
      `${name}-watchdog-first-run`,
      {
        functionName: fn.name,
        input: JSON.stringify({ source: "keyplane.deploy" }),
        triggers: { certificateArn: certificate.arn },
      },
      { parent, dependsOn: [fn] },
    );

    const alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-expiry`,
      {
        alarmDescription: `The SPEKE certificate expires in fewer than ${alarmDays} days: ACM never renews imported certificates, import a new one`,
        namespace,
        metricName: DAYS_TO_EXPIRY_METRIC,
        dimensions: { CertificateArn: certificate.arn },
        statistic: "Minimum",
        period: 86_400,
        evaluationPeriods: 1,
        threshold: alarmDays,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        alarmActions: args.alarmActions ?? [],
        okActions: args.alarmActions ?? [],
        tags: args.tags,
      },
      opt,
    );

    this.certificateArn = certificate.arn;
    this.notAfter = checked.apply((f) => f.notAfter.toISOString());
    this.watchdogFunctionName = fn.name;
    this.expiryAlarmArn = alarm.arn;
    this.registerOutputs({
      certificateArn: this.certificateArn,
      notAfter: this.notAfter,
      watchdogFunctionName: this.watchdogFunctionName,
      expiryAlarmArn: this.expiryAlarmArn,
    });
  }
}
