/** The one shape of every policy store (policy-source.ts chooses one per deployment). */
import type { PolicyIndex } from "../policy/bindings";

export interface PolicyStore {
  /** The current policies (cached for the configured TTL). */
  get(): Promise<PolicyIndex>;
  /** The same policies without waiting, when `get()` would answer from memory right now; otherwise undefined. */
  current(): PolicyIndex | undefined;
  readonly mode: "file" | "env" | "lab";
}
