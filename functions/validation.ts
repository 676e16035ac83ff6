/**
 * How every zod validation error of the core reads: `path: message; ...`, the path joined with dots, `(root)` for the
 * value itself. Neutral: configuration, policies, requests and imports all use it.
 */
import type { $ZodError } from "zod/v4/core";

/** Zod issues as `path: message; ...`; `at` is prefixed to every path (a configuration section, say). */
export function formatIssues(error: $ZodError, at: readonly PropertyKey[] = []): string {
  return error.issues
    .map((i) => {
      const path = [...at, ...i.path];
      return `${path.length ? path.join(".") : "(root)"}: ${i.message}`;
    })
    .join("; ");
}
