/** Shared fixtures for the key-delivery tests: a seed, keys, an X.509 certificate (made with the openssl CLI), helpers. */
import { selfSignedCertificate } from "./openssl";
import { createBaseApp } from "../../functions/http/base";
import { staticContext, type KeyplaneContext } from "../../functions/context";
import { KeySeed } from "../../functions/keys/seed";
import { createLogger } from "../../functions/log";
import { listen, type Listening } from "../../functions/runtimes/listen";
import { deliveryRoutes, type DeliveryDeps } from "../../functions/delivery/routes";
import { parseDeliveryConfig, type DeliveryConfigInput } from "../../functions/delivery/config";
import { MICROSOFT_TEST_SEED_B64 } from "./seed";

export const seed = KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64);

/** An RSA key pair and a self-signed certificate for it, from the openssl CLI (independent of our code). */
export function makeRsaCert(): { keyPem: string; certPem: string } {
  return selfSignedCertificate(["rsa:2048"], { days: 2 });
}

export interface Server {
  url: string;
  ctx: KeyplaneContext;
  logs: string[];
  clock: { now: number };
  close(): Promise<void>;
}

/** A base app + delivery routes on loopback, with a movable clock and a log collector. */
export async function startDelivery(
  config: DeliveryConfigInput,
  deps: DeliveryDeps = {},
  startMs = Date.now(),
): Promise<Server> {
  const logs: string[] = [];
  const clock = { now: startMs };
  const ctx = staticContext(seed, {
    logger: createLogger({ level: "debug", sink: (l) => logs.push(l) }),
    now: () => clock.now,
  });
  const app = createBaseApp(ctx);
  app.route("/", deliveryRoutes(ctx, parseDeliveryConfig({ lab: true, ...config }), { env: {}, ...deps }));
  const l: Listening = await listen(app);
  return { url: l.url, ctx, logs, clock, close: () => l.close() };
}

export const b64url = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");
export const json = (o: unknown) => b64url(JSON.stringify(o));
