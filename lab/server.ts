/**
 * The local lab: the whole key-exchange core on loopback (`npm start`). Seed from `KEY_SEED` or `.keyplane/key-seed`
 * (generated on first start, mode 0600), the Keyplane configuration from `KEYPLANE_CONFIG_FILE` or `KEYPLANE_CONFIG`
 * (default `keyplane.config.json` when present) plus the environment overrides (functions/config-source.ts), the demo page and packaged demo media (web/, demo-media.ts). The core's own generic
 * node:http server is functions/runtimes/listen.ts; this is the lab around it. Every route sits
 * behind the lab guard (lab/web/guard.ts): loopback and configured `Host` names only, security headers.
 */
import { existsSync } from "node:fs";
import { resolve, join } from "node:path";
import type { App, PlainRequest, PlainResponse } from "../functions/http/router";
import { createApp } from "../functions/app";
import { loadKeyplaneConfig, type KeyplaneConfig, type KeyplaneConfigInput } from "../functions/config";
import { CONFIG_ENV, CONFIG_FILE_ENV } from "../functions/config-env";
import type { KeyplaneContext } from "../functions/context";
import { localSeed } from "../functions/keys/seed-source";
import type { KeySeed } from "../functions/keys/seed";
import { createLogger, type Logger } from "../functions/log";
import { listen } from "../functions/runtimes/listen";
import { CONTENT_KEY_REGISTRY_FILE } from "../functions/registry/file";
import { labWebRoutes } from "./web/routes";
import {
  ALLOWED_HOSTS_ENV,
  allowedHostsFromEnv,
  bindAddressHost,
  isLoopbackHost,
  labGuard,
  parseAllowedHosts,
} from "./web/guard";
import { ensureDemoMedia } from "./demo-media";

/** The lab's configuration file when the environment names none. */
export const DEFAULT_CONFIG_FILE = "keyplane.config.json";

export interface StartLabOptions {
  port?: number;
  hostname?: string;
  /** A fixed seed (tests); otherwise `KEY_SEED` or `<dataDir>/key-seed`. */
  seed?: KeySeed;
  /** Default `.keyplane` in the working directory. */
  dataDir?: string;
  /** Configuration document; otherwise read from `configFile`, else `KEYPLANE_CONFIG_FILE` / `KEYPLANE_CONFIG`. */
  config?: KeyplaneConfigInput;
  configFile?: string;
  /** Environment for the configuration overrides and sources (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Packages the demo clip into `<dataDir>/media` after start (default true when run by `npm start`). */
  demoMedia?: boolean;
  /**
   * Host names the lab answers to besides loopback ones (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`) and its
   * own bind address; otherwise `KEYPLANE_LAB_ALLOWED_HOSTS` (comma separated). `name`, `.name` (with subdomains) or
   * an IP literal, without port. Any other `Host` gets 421 (DNS rebinding). Needed when other machines reach a lab
   * bound to `0.0.0.0`: list the names they use.
   */
  allowedHosts?: string[];
  quiet?: boolean;
  logger?: Logger;
}

export interface RunningLab {
  url: string;
  port: number;
  config: KeyplaneConfig;
  seedSource: string;
  mediaDir: string;
  /** The configured host names plus a non-loopback bind address (loopback names are always answered). */
  allowedHosts: string[];
  close(): Promise<void>;
}

/**
 * Lab defaults, below the document: URL knobs point at the lab's own address (SPEKE key templates point at our key
 * delivery), key delivery may fall back to the seed-derived lab policy when no policy source is configured, and the
 * content key registry is `<dataDir>/content-keys.jsonl` (so content-id bindings hold across restarts).
 */
function labDefaults(url: string, dataDir: string): KeyplaneConfigInput {
  return {
    speke: { publicBaseUrl: url },
    delivery: { lab: true },
    contentKeyRegistry: { type: "file", path: join(dataDir, CONTENT_KEY_REGISTRY_FILE) },
  };
}

export async function startLab(opts: StartLabOptions = {}): Promise<RunningLab> {
  const dataDir = resolve(opts.dataDir ?? process.env.KEYPLANE_DATA_DIR ?? ".keyplane");
  const mediaDir = join(dataDir, "media");
  const logger = opts.logger ?? createLogger({ level: opts.quiet ? "warn" : "info" });
  const loaded = opts.seed ? { seed: opts.seed, source: "provided" } : localSeed(dataDir);
  const seedPromise = Promise.resolve(loaded.seed);
  const ctx: KeyplaneContext = { seed: () => seedPromise, logger, now: Date.now };

  const env = opts.env ?? process.env;
  // The default file only when the environment names no document.
  const configFile =
    opts.configFile ??
    (!env[CONFIG_FILE_ENV] && !env[CONFIG_ENV] && existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const hostname = opts.hostname ?? "127.0.0.1";
  const ownHost = bindAddressHost(hostname);
  const allowedHosts = [
    ...(opts.allowedHosts ? parseAllowedHosts(opts.allowedHosts) : allowedHostsFromEnv()),
    ...(ownHost && !isLoopbackHost(ownHost) ? [ownHost] : []),
  ];

  // Listen first (port 0 picks a free one), then build the app with the real URL in its templates.
  let app: App<any> | undefined;
  const starting: PlainResponse = { status: 503, headers: { "Content-Type": "text/plain" }, body: "starting" };
  const front = {
    dispatch: (req: PlainRequest, env?: unknown) => (app ? app.dispatch(req, env) : Promise.resolve(starting)),
  };
  const server = await listen(front, { port: opts.port ?? 8787, hostname });
  let config: KeyplaneConfig;
  try {
    config = loadKeyplaneConfig({
      env,
      ...(opts.config !== undefined ? { document: opts.config } : configFile ? { file: configFile } : {}),
      defaults: labDefaults(server.url, dataDir),
    });
    app = createApp(ctx, config, { extra: [labWebRoutes({ mediaDir })], guard: labGuard({ allowedHosts }) });
  } catch (e) {
    await server.close();
    throw e;
  }

  if (opts.demoMedia) {
    await ensureDemoMedia({ keyServerUrl: server.url, mediaDir, log: (m) => opts.quiet || console.log(`  ${m}`) });
  }
  return {
    url: server.url,
    port: server.port,
    config,
    seedSource: loaded.source,
    mediaDir,
    allowedHosts,
    close: () => server.close(),
  };
}

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  const lab = await startLab({ port, demoMedia: process.env.KEYPLANE_DEMO_MEDIA !== "0", quiet: false });
  const u = lab.url;
  console.log(`
Keyplane local lab listening on ${u}
  key seed        ${lab.seedSource}
  demo page       ${u}/
  SPEKE           POST ${u}/speke  (X-Speke-Version: 2.0 | 2.1; none = v1)   heartbeat GET ${u}/speke/heartbeat
  token service   POST ${u}/token
  ClearKey        POST ${u}/clearkey
  HLS AES-128     GET  ${u}/hls/key/{kid}
  license proxy   POST ${u}/license/{vendor}
  packaged media  ${lab.mediaDir}
  answers Host    loopback names${lab.allowedHosts.map((h) => `, ${h}`).join("")}  (more: ${ALLOWED_HOSTS_ENV}=name,...)
Press Ctrl+C to stop.`);
  const stop = () => {
    void lab.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`keyplane: ${(e as Error).message}`);
    process.exit(1);
  });
}
