/**
 * The certificate expiry watchdog. ACM never renews imported certificates (the SPEKE content-key-encryption
 * certificate is imported), so a scheduled function reads each certificate's `NotAfter` with DescribeCertificate and
 * publishes the whole days left as a CloudWatch metric; an alarm on that metric warns before MediaPackage fails.
 *
 * Metric: namespace `Keyplane/Certificates` (configurable), name `DaysToExpiry`, dimension `CertificateArn`,
 * unit `Count`. An expired certificate reports a negative number; a certificate ACM cannot describe is reported as an
 * error and, by default, as `0` days so the alarm fires rather than going quiet.
 */
import { ACMClient, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from "@aws-sdk/client-cloudwatch";
import type { Logger } from "../log";
import { DEFAULT_METRIC_NAMESPACE } from "./config";

export { DEFAULT_METRIC_NAMESPACE };
export const DAYS_TO_EXPIRY_METRIC = "DaysToExpiry";
const DAY_MS = 86_400_000;

/** Whole days from `now` to `notAfter`, rounded down (expires in 23 h → 0; expired 1 h ago → -1). */
export function daysToExpiry(notAfter: Date, now: number): number {
  return Math.floor((notAfter.getTime() - now) / DAY_MS);
}

export interface CertificateStatus {
  certificateArn: string;
  /** Undefined when the certificate could not be described. */
  notAfter?: Date;
  daysToExpiry: number;
  /** ACM's type: `IMPORTED` is the one that never renews. */
  type?: string;
  error?: string;
}

/** The `certificateWatchdog` section (cert-watchdog/config.ts), plus what a program may add. */
export interface WatchdogConfig {
  certificateArns: string[];
  namespace?: string;
  /** Days reported for a certificate that cannot be described (default 0: alarm). */
  daysOnError?: number;
}

export interface WatchdogDeps {
  acm: Pick<ACMClient, "send">;
  cloudwatch: Pick<CloudWatchClient, "send">;
  logger: Logger;
  now?: () => number;
}

/** Describes each certificate, publishes one metric datum per certificate, returns what it published. */
export async function runWatchdog(config: WatchdogConfig, deps: WatchdogDeps): Promise<CertificateStatus[]> {
  const now = (deps.now ?? Date.now)();
  const statuses: CertificateStatus[] = [];
  for (const arn of config.certificateArns) {
    try {
      const out = await deps.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
      const notAfter = out.Certificate?.NotAfter;
      if (!notAfter) throw new Error("no NotAfter in DescribeCertificate");
      const s: CertificateStatus = { certificateArn: arn, notAfter, daysToExpiry: daysToExpiry(notAfter, now) };
      if (out.Certificate?.Type) s.type = out.Certificate.Type;
      statuses.push(s);
      deps.logger.info("certificate_checked", {
        certificateArn: arn,
        notAfter: notAfter.toISOString(),
        daysToExpiry: s.daysToExpiry,
        type: s.type,
      });
    } catch (e) {
      const error = (e as Error).name === "Error" ? (e as Error).message : (e as Error).name;
      statuses.push({ certificateArn: arn, daysToExpiry: config.daysOnError ?? 0, error });
      deps.logger.error("certificate_check_failed", { certificateArn: arn, error });
    }
  }
  const timestamp = new Date(now);
  const data: MetricDatum[] = statuses.map((s) => ({
    MetricName: DAYS_TO_EXPIRY_METRIC,
    Dimensions: [{ Name: "CertificateArn", Value: s.certificateArn }],
    Timestamp: timestamp,
    Value: s.daysToExpiry,
    Unit: "Count",
  }));
  // PutMetricData takes up to 1000 data per call; the config caps certificates at 100.
  await deps.cloudwatch.send(
    new PutMetricDataCommand({ Namespace: config.namespace ?? DEFAULT_METRIC_NAMESPACE, MetricData: data }),
  );
  return statuses;
}

/** Default AWS clients (region from the Lambda environment). */
export function defaultWatchdogClients(): Pick<WatchdogDeps, "acm" | "cloudwatch"> {
  return { acm: new ACMClient({}), cloudwatch: new CloudWatchClient({}) };
}
