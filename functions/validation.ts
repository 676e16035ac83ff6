/**
 * How every zod validation error of the core reads: `path: message; ...`, the path joined with dots, `(root)` for the
 * value itself. Neutral: configuration, policies, requests and imports all use it.
 */
import type { $ZodError } from "zod/v4/core";

/**
 * Zod issues as `path: message; ...`; `at` is prefixed to every path (a configuration section, say), and `note` may
 * add a word after an issue's message from its dotted path (the configuration names the variable it came from).
 */
export function formatIssues(
  error: $ZodError,
  at: readonly PropertyKey[] = [],
  note?: (path: string) => string | undefined,
): string {
  return error.issues
    .map((i) => {
      const path = [...at, ...i.path].join(".");
      const extra = note?.(path);
      return `${path || "(root)"}: ${i.message}${extra ? ` ${extra}` : ""}`;
    })
    .join("; ");
}
