/** The `certificateWatchdog` section of the Keyplane configuration: which ACM certificates to watch, and where to publish. */
import * as z from "../zod";

export const DEFAULT_METRIC_NAMESPACE = "Keyplane/Certificates";
const ACM_ARN_RE = /^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

export const certificateWatchdogConfigSchema = z.strictObject({
  /** 1 to 100 ACM certificate ARNs. */
  certificateArns: z
    .array(z.string().check(z.regex(ACM_ARN_RE, "must be an ACM certificate ARN")))
    .check(
      z.minLength(1, "must list 1 to 100 ACM certificate ARNs"),
      z.maxLength(100, "must list 1 to 100 ACM certificate ARNs"),
    ),
  /** Custom CloudWatch namespace of the `DaysToExpiry` metric (not `AWS/...`). Default `Keyplane/Certificates`. */
  namespace: z._default(
    z.string().check(
      z.regex(/^[A-Za-z0-9/_.#:-]{1,255}$/, "must be a custom CloudWatch namespace"),
      z.refine((n: string) => !n.startsWith("AWS/"), "must be a custom CloudWatch namespace (not AWS/...)"),
    ),
    DEFAULT_METRIC_NAMESPACE,
  ),
});
export type CertificateWatchdogConfig = z.infer<typeof certificateWatchdogConfigSchema>;
