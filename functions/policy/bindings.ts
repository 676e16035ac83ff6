/**
 * Key-delivery policy bindings: which content key policy governs which KIDs or content ids.
 *
 *   { "policies": [ContentKeyPolicy...],
 *     "bindings": [{ "policy": "<name>", "kids": ["<uuid|hex|base64url>"...]?, "contentIds": ["..."]? }],
 *     "defaultPolicy": "<name>"? }
 *
 * Resolution for a KID: a binding naming the KID wins, then a binding naming the content id that the content key
 * registry holds for the KID (recorded by SPEKE; never a content id from the viewer's request), then `defaultPolicy`;
 * with none of these the KID is not delivered (fail closed).
 */
import * as z from "../zod";
import { KeyplaneError } from "../errors";
import { parseKid } from "../keys/kid";
import {
  contentKeyPolicySchema,
  type ContentKeyPolicy,
  type ContentKeyPolicyOption,
  type ConfigurationType,
} from "./model";
import { formatIssues } from "../validation";

const kidText = z.string().check(
  z.refine<string>((s) => {
    try {
      parseKid(s);
      return true;
    } catch {
      return false;
    }
  }, "must be a KID: UUID, 32 hex digits or 22 base64url characters"),
);

export const policyBindingSchema = z
  .object({
    policy: z.string().check(z.minLength(1)),
    kids: z.optional(z.array(kidText).check(z.maxLength(100_000))),
    contentIds: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(100_000))),
  })
  .check(
    z.refine((b) => (b.kids?.length ?? 0) + (b.contentIds?.length ?? 0) > 0, "a binding needs kids or contentIds"),
  );
export type PolicyBinding = z.infer<typeof policyBindingSchema>;

export const keyDeliveryPoliciesSchema = z
  .object({
    policies: z.array(contentKeyPolicySchema).check(z.minLength(1), z.maxLength(1000)),
    bindings: z._default(z.array(policyBindingSchema).check(z.maxLength(10_000)), []),
    defaultPolicy: z.optional(z.string().check(z.minLength(1))),
  })
  .check(
    z.superRefine((s, ctx) => {
      const names = new Set<string>();
      s.policies.forEach((p, i) => {
        if (names.has(p.name))
          ctx.addIssue({ code: "custom", path: ["policies", i, "name"], message: `duplicate policy name "${p.name}"` });
        names.add(p.name);
      });
      if (s.defaultPolicy !== undefined && !names.has(s.defaultPolicy)) {
        ctx.addIssue({ code: "custom", path: ["defaultPolicy"], message: `no policy named "${s.defaultPolicy}"` });
      }
      const kidOwner = new Map<string, string>();
      const contentOwner = new Map<string, string>();
      s.bindings.forEach((b, i) => {
        if (!names.has(b.policy))
          ctx.addIssue({ code: "custom", path: ["bindings", i, "policy"], message: `no policy named "${b.policy}"` });
        b.kids?.forEach((k, j) => {
          let hex: string;
          try {
            hex = parseKid(k).toString("hex");
          } catch {
            return;
          }
          const prev = kidOwner.get(hex);
          if (prev !== undefined && prev !== b.policy)
            ctx.addIssue({
              code: "custom",
              path: ["bindings", i, "kids", j],
              message: `KID already bound to policy "${prev}"`,
            });
          kidOwner.set(hex, b.policy);
        });
        b.contentIds?.forEach((c, j) => {
          const prev = contentOwner.get(c);
          if (prev !== undefined && prev !== b.policy)
            ctx.addIssue({
              code: "custom",
              path: ["bindings", i, "contentIds", j],
              message: `content id already bound to policy "${prev}"`,
            });
          contentOwner.set(c, b.policy);
        });
      });
    }),
  );
export type KeyDeliveryPolicies = z.infer<typeof keyDeliveryPoliciesSchema>;
export type KeyDeliveryPoliciesInput = z.input<typeof keyDeliveryPoliciesSchema>;

/** Parses key-delivery policies; throws POLICY_INVALID naming each bad path (prefixed with `source` when given). */
export function parseKeyDeliveryPolicies(input: unknown, source?: string): KeyDeliveryPolicies {
  const r = keyDeliveryPoliciesSchema.safeParse(input);
  if (!r.success) {
    throw new KeyplaneError(
      "POLICY_INVALID",
      `Invalid key-delivery policies${source ? ` in ${source}` : ""}: ${formatIssues(r.error)}`,
      { status: 500, expose: false },
    );
  }
  return r.data;
}

/** Fast lookups over parsed policies (build once per load). */
export class PolicyIndex {
  private readonly byName = new Map<string, ContentKeyPolicy>();
  private readonly byKid = new Map<string, ContentKeyPolicy>();
  private readonly byContentId = new Map<string, ContentKeyPolicy>();
  private readonly fallback: ContentKeyPolicy | undefined;

  constructor(readonly source: KeyDeliveryPolicies) {
    for (const p of source.policies) this.byName.set(p.name, p);
    for (const b of source.bindings) {
      const p = this.byName.get(b.policy);
      if (!p) continue;
      for (const k of b.kids ?? []) this.byKid.set(parseKid(k).toString("hex"), p);
      for (const c of b.contentIds ?? []) this.byContentId.set(c, p);
    }
    this.fallback = source.defaultPolicy === undefined ? undefined : this.byName.get(source.defaultPolicy);
  }

  /** Some binding names content ids (then key delivery asks the content key registry which content a KID is). */
  get hasContentBindings(): boolean {
    return this.byContentId.size > 0;
  }

  /** A binding names this KID. */
  boundByKid(kid: Uint8Array): boolean {
    return this.byKid.has(Buffer.from(kid).toString("hex"));
  }

  policy(name: string): ContentKeyPolicy | undefined {
    return this.byName.get(name);
  }

  /** The policy governing a KID (16 bytes) and/or content id, or undefined. */
  policyFor(q: { kid?: Uint8Array; contentId?: string }): ContentKeyPolicy | undefined {
    if (q.kid) {
      const p = this.byKid.get(Buffer.from(q.kid).toString("hex"));
      if (p) return p;
    }
    if (q.contentId !== undefined) {
      const p = this.byContentId.get(q.contentId);
      if (p) return p;
    }
    return this.fallback;
  }
}

/** The options of a policy that deliver a given configuration type, in order. */
export function optionsFor(policy: ContentKeyPolicy, type: ConfigurationType): ContentKeyPolicyOption[] {
  return policy.options.filter((o) => o.configuration.type === type);
}
