/**
 * Policies from a JSON file, re-read after the cache TTL so edits apply without a restart. A failed reload keeps
 * serving the last good policies and logs the error; the first load fails closed.
 */
import { readFile } from "node:fs/promises";
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { parseKeyDeliveryPolicies, PolicyIndex } from "../policy/bindings";
import type { PolicyStore } from "./policy-store";

export const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

export function filePolicyStore(ctx: KeyplaneContext, path: string, cacheTtlSeconds: number): PolicyStore {
  const ttlMs = cacheTtlSeconds * 1000;
  let current: { index: PolicyIndex; at: number } | undefined;
  let loading: Promise<PolicyIndex> | undefined;
  const load = async (): Promise<PolicyIndex> => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (e) {
      throw new KeyplaneError(
        "POLICY_UNAVAILABLE",
        `Cannot read policy file ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`,
        { status: 500, expose: false },
      );
    }
    if (text.length > MAX_POLICY_FILE_BYTES)
      throw new KeyplaneError("POLICY_INVALID", `Policy file ${path} exceeds ${MAX_POLICY_FILE_BYTES} bytes`, {
        status: 500,
        expose: false,
      });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new KeyplaneError("POLICY_INVALID", `Policy file ${path} is not JSON: ${(e as Error).message}`, {
        status: 500,
        expose: false,
      });
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
          .finally(() => {
            loading = undefined;
          });
      }
      return loading;
    },
  };
}
