/**
 * The AWS section of the stack configuration (`keyplane:aws`): region, logs, alarms, MediaPackage v2 / v1
 * (config-mediapackage.ts), the SPEKE content key encryption certificate, key delivery and the vendor key provider.
 */
import { z } from "zod";
import { checkSpekeCertificate, LOG_RETENTION_DAYS } from "keyplane/aws";
import { httpsUrl, origin } from "./config-fields";
import { mediaPackageV1Schema, mediaPackageV2Schema } from "./config-mediapackage";

const pem = z
  .string()
  .trim()
  .regex(
    /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/,
    "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
  );
const spekeCertificateSchema = z.strictObject(
  {
    /** PEM certificate (public). The private key is the secret `keyplane:spekePrivateKey`, never plain config. */
    certificatePem: pem.superRefine((c, ctx) => {
      try {
        checkSpekeCertificate(c);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^SpekeCertificate: /, "") });
      }
    }),
    certificateChain: pem.optional(),
    alarmDaysBeforeExpiry: z.number().int().min(1, "must be 1..365").max(365, "must be 1..365").default(30),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown setting ${iss.keys.join(", ")}${iss.keys.some((k) => /key/i.test(k)) ? " (the private key is the secret keyplane:spekePrivateKey: pulumi config set --secret spekePrivateKey < key.pem)" : ""}`
        : undefined,
  },
);

export const awsSchema = z.object({
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like eu-west-1")
    .optional(),
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of ${LOG_RETENTION_DAYS.join(", ")}`)
    .default(90),
  alarmTopicArn: z.string().startsWith("arn:aws:sns:", "must be an SNS topic ARN").optional(),
  mediaPackage: mediaPackageV2Schema.optional(),
  /** MediaPackage v1 origin (live and/or VOD) against the same SPEKE server as `mediaPackage`. */
  mediaPackageV1: mediaPackageV1Schema.optional(),
  /** SPEKE content key encryption certificate (imported into ACM, expiry watchdog); used by every MediaPackage key provider. */
  spekeCertificate: spekeCertificateSchema.optional(),
  keyDelivery: z
    .object({
      corsAllowOrigins: z.array(origin).min(1, "must list the player origins"),
      throttle: z
        .object({
          burstLimit: z.number().int().min(1).max(5000).optional(),
          rateLimit: z.number().positive().max(10000).optional(),
        })
        .optional(),
    })
    .optional(),
  vendor: z
    .object({
      preset: z.enum(["ezdrm", "keyos", "axinom", "generic"]),
      url: httpsUrl,
      headerName: z.string().min(1).optional(),
      mode: z.enum(["function", "integration"]).default("function"),
    })
    .optional(),
});
