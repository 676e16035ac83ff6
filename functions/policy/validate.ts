/** Validation of a content key policy. */
import { KeyplaneError } from "../errors";
import { formatIssues } from "../validation";
import { contentKeyPolicySchema, type ContentKeyPolicy } from "./model";

/** Parses and validates a policy; throws a KeyplaneError (POLICY_INVALID) naming each bad path. */
export function parseContentKeyPolicy(input: unknown): ContentKeyPolicy {
  const r = contentKeyPolicySchema.safeParse(input);
  if (!r.success)
    throw new KeyplaneError("POLICY_INVALID", `Invalid content key policy: ${formatIssues(r.error)}`, { status: 400 });
  return r.data;
}
