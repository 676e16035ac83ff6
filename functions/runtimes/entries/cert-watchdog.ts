/**
 * Lambda entry for the certificate expiry watchdog: an EventBridge-scheduled handler (not HTTP). Configuration: the
 * `certificateWatchdog` section (`{"certificateArns":[...],"namespace":"Keyplane/Certificates"}`) of
 * `KEYPLANE_CONFIG`, validated at cold start.
 */
import { certificateWatchdogConfigSchema } from "../../cert-watchdog/config";
import { defaultWatchdogClients, runWatchdog } from "../../cert-watchdog/watchdog";
import { loadConfigSections } from "../../config-source";
import { createLogger } from "../../log";

const config = loadConfigSections({ certificateWatchdog: certificateWatchdogConfigSchema }).certificateWatchdog;
const logger = createLogger({ base: { fn: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "keyplane-cert-watchdog" } });
const clients = defaultWatchdogClients();

export async function handler(): Promise<{
  certificates: { certificateArn: string; daysToExpiry: number; error?: string }[];
}> {
  const statuses = await runWatchdog(config, { ...clients, logger });
  return {
    certificates: statuses.map((s) => ({
      certificateArn: s.certificateArn,
      daysToExpiry: s.daysToExpiry,
      ...(s.error ? { error: s.error } : {}),
    })),
  };
}
