/**
 * What every route needs from its runtime: the key seed (loaded once per process or Lambda container), a logger and a
 * clock. Runtimes (the lab's `lab/server.ts`, `runtimes/lambda.ts`) build it; tests build it directly with a fixed seed.
 */
import type { KeySeed } from "./keys/seed";
import type { Logger } from "./log";
import { createLogger } from "./log";

export interface KeyplaneContext {
  /** Resolves the key seed; cached after the first call (Secrets Manager on Lambda, env or `.keyplane/` locally). */
  seed(): Promise<KeySeed>;
  logger: Logger;
  /** Milliseconds since the epoch; injectable so token tests can move time. */
  now(): number;
}

export function staticContext(seed: KeySeed, opts: { logger?: Logger; now?: () => number } = {}): KeyplaneContext {
  const p = Promise.resolve(seed);
  return { seed: () => p, logger: opts.logger ?? createLogger(), now: opts.now ?? Date.now };
}

/** Wraps an async loader so it runs once; a failed load is retried on the next call rather than cached. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    if (!p)
      p = load().catch((e) => {
        p = undefined;
        throw e;
      });
    return p;
  };
}
