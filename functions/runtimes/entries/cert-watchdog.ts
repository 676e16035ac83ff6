/**
 * Lambda entry for the certificate expiry watchdog: an EventBridge-scheduled handler (not HTTP). Configuration from
 * `KEYPLANE_CONFIG` (`{"certificateArns":[...],"namespace":"Keyplane/Certificates"}`), validated at cold start.
 */
import { defaultWatchdogClients, parseWatchdogConfig, runWatchdog } from "../../cert-watchdog/watchdog";
import { createLogger } from "../../log";

const config = parseWatchdogConfig(process.env.KEYPLANE_CONFIG);
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
