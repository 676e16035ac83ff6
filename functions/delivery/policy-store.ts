/**
 * Where key delivery gets its policies: the policy file (re-read after the cache TTL, so edits apply without a
 * restart), the policy env var (Lambda configuration, parsed once), or the LAB policy derived from the seed.
 * A failed reload keeps serving the last good policies and logs the error; the first load fails closed.
 */
import { readFile } from "node:fs/promises";
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { parseKeyDeliveryPolicies, PolicyIndex } from "../policy/bindings";
import { labPolicies } from "../tokens/lab";
import type { DeliveryConfig } from "./config";

export const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

export interface PolicyStore {
  /** The current policies (cached for the configured TTL). */
  get(): Promise<PolicyIndex>;
  /** The same policies without waiting, when `get()` would answer from memory right now; otherwise undefined. */
  current(): PolicyIndex | undefined;
  readonly mode: "file" | "env" | "lab";
}

export function createPolicyStore(ctx: KeyplaneContext, config: DeliveryConfig, env: Record<string, string | undefined> = process.env): PolicyStore {
  if (config.policyFile) {
    const path = config.policyFile;
    const ttlMs = config.policyCacheTtlSeconds * 1000;
    let current: { index: PolicyIndex; at: number } | undefined;
    let loading: Promise<PolicyIndex> | undefined;
    const load = async (): Promise<PolicyIndex> => {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        throw new KeyplaneError("POLICY_UNAVAILABLE", `Cannot read policy file ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { status: 500, expose: false });
      }
      if (text.length > MAX_POLICY_FILE_BYTES) throw new KeyplaneError("POLICY_INVALID", `Policy file ${path} exceeds ${MAX_POLICY_FILE_BYTES} bytes`, { status: 500, expose: false });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new KeyplaneError("POLICY_INVALID", `Policy file ${path} is not JSON: ${(e as Error).message}`, { status: 500, expose: false });
      }
      return new PolicyIndex(parseKeyDeliveryPolicies(json, path));
    };
    return {
      mode: "file",
      current() {
        return current && ctx.now() - current.at < ttlMs ? current.index : undefined;
      },
      get() {
        const now = ctx.now();
        if (current && now - current.at < ttlMs) return Promise.resolve(current.index);
        if (!loading) {
          loading = load()
            .then((index) => {
              current = { index, at: ctx.now() };
              return index;
            })
            .catch((e) => {
              if (!current) throw e;
              ctx.logger.error("policy_reload_failed", { error: e, policyFile: path });
              current = { index: current.index, at: ctx.now() };
              return current.index;
            })
            .finally(() => { loading = undefined; });
        }
        return loading;
      },
    };
  }
  const inline = env[config.policyEnv];
  if (inline) {
    let index: PolicyIndex | undefined;
    return {
      mode: "env",
      current() {
        return index;
      },
      async get() {
        if (!index) {
          let json: unknown;
          try {
            json = JSON.parse(inline);
          } catch (e) {
            throw new KeyplaneError("POLICY_INVALID", `Environment variable ${config.policyEnv} is not JSON: ${(e as Error).message}`, { status: 500, expose: false });
          }
          index = new PolicyIndex(parseKeyDeliveryPolicies(json, `environment variable ${config.policyEnv}`));
        }
        return index;
      },
    };
  }
  if (!config.lab) {
    throw new KeyplaneError("POLICY_SOURCE_MISSING", `Key delivery has no content key policies: set policyFile (KEYPLANE_POLICY_FILE) or the ${config.policyEnv} environment variable; the seed-derived lab policy is only for the local lab (lab: true)`, { status: 500, expose: false });
  }
  let lab: Promise<PolicyIndex> | undefined;
  let labIndex: PolicyIndex | undefined;
  return {
    mode: "lab",
    current() {
      return labIndex;
    },
    get() {
      lab ??= ctx.seed().then((s) => (labIndex = new PolicyIndex(labPolicies(s))));
      lab.catch(() => { lab = undefined; });
      return lab;
    },
  };
}
