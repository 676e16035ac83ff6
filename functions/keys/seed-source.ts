/**
 * Where the key seed comes from. Locally: `KEY_SEED` (base64) or a file under the data directory (`.keyplane/key-seed`,
 * generated on first start with mode 0600 and reused). On Lambda: AWS Secrets Manager, fetched once per container.
 * Every loader returns a `KeySeed`; none ever logs the seed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { secretsManagerReader, type SecretValueReader } from "../aws/secrets";
import { KeyplaneError } from "../errors";
import { KeySeed } from "./seed";

export const KEY_SEED_FILE = "key-seed";

export interface LoadedSeed {
  seed: KeySeed;
  /** Human-readable origin, safe to print: "env KEY_SEED", "file /path", "generated /path", "secretsmanager arn". */
  source: string;
  path?: string;
}

/** Reads `KEY_SEED` from an environment object. Returns undefined when unset or empty. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): LoadedSeed | undefined {
  const v = env.KEY_SEED;
  if (v === undefined || v.trim() === "") return undefined;
  return { seed: KeySeed.fromBase64(v), source: "env KEY_SEED" };
}

/**
 * Reads `<dataDir>/key-seed`, or generates it (30 random bytes, base64) with mode 0600 in a 0700 directory.
 * An existing file readable by group or others is tightened to 0600.
 */
export function seedFromDataDir(dataDir: string): LoadedSeed {
  const path = join(dataDir, KEY_SEED_FILE);
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, 0o600);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new KeyplaneError("KEY_SEED_UNREADABLE", `Cannot read the key seed file ${path}`, {
        status: 500,
        cause: e,
      });
    }
    try {
      return { seed: KeySeed.fromBase64(text), source: `file ${path}`, path };
    } catch (e) {
      throw new KeyplaneError(
        "KEY_SEED_INVALID",
        `The key seed file ${path} is not a valid key seed (${(e as Error).message}); delete it to generate a new one`,
        { status: 500 },
      );
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const seed = KeySeed.generate();
  writeFileSync(path, seed.exportBase64() + "\n", { mode: 0o600, flag: "wx" });
  return { seed, source: `generated ${path}`, path };
}

/** `KEY_SEED` if set, else the data-directory file. */
export function localSeed(dataDir: string, env: NodeJS.ProcessEnv = process.env): LoadedSeed {
  return seedFromEnv(env) ?? seedFromDataDir(dataDir);
}

export type { SecretValueReader } from "../aws/secrets";

/**
 * Reads the seed from a Secrets Manager secret. The secret string is either the base64 seed itself or JSON
 * `{"keySeed":"<base64>"}`.
 */
export async function seedFromSecret(secretId: string, reader: SecretValueReader): Promise<LoadedSeed> {
  const text = await reader.getSecretString(secretId);
  if (!text)
    throw new KeyplaneError("KEY_SEED_MISSING", "The key seed secret has no SecretString", {
      status: 500,
      expose: false,
    });
  let value = text.trim();
  if (value.startsWith("{")) {
    try {
      const parsed = JSON.parse(value) as { keySeed?: unknown };
      if (typeof parsed.keySeed !== "string") throw new Error("no keySeed string");
      value = parsed.keySeed;
    } catch {
      throw new KeyplaneError("KEY_SEED_INVALID", "The key seed secret is JSON without a string `keySeed` field", {
        status: 500,
        expose: false,
      });
    }
  }
  return { seed: KeySeed.fromBase64(value), source: `secretsmanager ${secretId}` };
}

/** Lambda: `KEY_SEED` (tests, local emulation) wins, else `KEY_SEED_SECRET_ARN` through Secrets Manager. */
export async function lambdaSeed(
  env: NodeJS.ProcessEnv = process.env,
  reader?: SecretValueReader,
): Promise<LoadedSeed> {
  const fromEnv = seedFromEnv(env);
  if (fromEnv) return fromEnv;
  const arn = env.KEY_SEED_SECRET_ARN;
  if (!arn)
    throw new KeyplaneError("KEY_SEED_MISSING", "Set KEY_SEED_SECRET_ARN (or KEY_SEED) for the key server", {
      status: 500,
      expose: false,
    });
  return seedFromSecret(arn, reader ?? secretsManagerReader());
}
