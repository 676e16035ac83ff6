import type { z } from "zod";
import { KeyplaneError } from "../errors";
import { contentKeyPolicySchema, type ContentKeyPolicy } from "./model";

/** Renders zod issues as `path: message` lines. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

/** Parses and validates a policy; throws a KeyplaneError (POLICY_INVALID) naming each bad path. */
export function parseContentKeyPolicy(input: unknown): ContentKeyPolicy {
  const r = contentKeyPolicySchema.safeParse(input);
  if (!r.success) throw new KeyplaneError("POLICY_INVALID", `Invalid content key policy: ${formatIssues(r.error)}`, { status: 400 });
  return r.data;
}
