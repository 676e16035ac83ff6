/**
 * The Lambda runtime: the same app behind API Gateway (REST proxy v1 or HTTP API v2 events, runtimes/lambda-http.ts).
 * The key seed is fetched from Secrets Manager once per
 * container, on first use, and cached; configuration comes from `KEYPLANE_CONFIG` (JSON) at cold start.
 */
import type { Dispatcher } from "../http/router";
import { apiGatewayHandler } from "./lambda-http";
import { once, type KeyplaneContext } from "../context";
import { lambdaSeed, type SecretValueReader } from "../keys/seed-source";
import { createLogger } from "../log";

export function lambdaContext(env: NodeJS.ProcessEnv = process.env, reader?: SecretValueReader): KeyplaneContext {
  const logger = createLogger({ base: { fn: env.AWS_LAMBDA_FUNCTION_NAME ?? "keyplane" } });
  const seed = once(async () => {
    const loaded = await lambdaSeed(env, reader);
    logger.info("key_seed_loaded", {
      seedSource: loaded.source.split(" ")[0],
      seedFingerprint: loaded.seed.fingerprint(),
    });
    return loaded.seed;
  });
  return { seed, logger, now: Date.now };
}

/** Wraps an app as a Lambda handler for API Gateway proxy events. */
export function lambdaHandler(app: Dispatcher) {
  return apiGatewayHandler(app);
}
