/**
 * LAB ONLY. The zero-config policy (and its store) used by `npm start` when no policy file is given: ClearKey keys behind a token
 * restriction (issuer `keyplane-lab`, audience `keyplane-lab-player`) whose HS256 key is derived from the key seed
 * with HKDF-SHA256 (info "keyplane lab token signing key"), so tokens from /token verify at /clearkey and /hls/key.
 * Anyone holding the seed can mint tokens; never use it in production.
 */
import { hkdfSync } from "node:crypto";
import type { KeyplaneContext } from "../context";
import type { KeySeed } from "../keys/seed";
import { keyDeliveryPoliciesSchema, PolicyIndex, type KeyDeliveryPolicies } from "../policy/bindings";
import type { PolicyStore } from "./policy-store";

export const LAB_ISSUER = "keyplane-lab";
export const LAB_AUDIENCE = "keyplane-lab-player";
export const LAB_POLICY_NAME = "lab";
export const LAB_KEY_INFO = "keyplane lab token signing key";

/** The lab HS256 key: HKDF-SHA256(ikm = seed bytes, salt = empty, info = LAB_KEY_INFO, 32 bytes). */
export function labTokenKey(seed: KeySeed): Buffer {
  const ikm = Buffer.from(seed.exportBase64(), "base64");
  return Buffer.from(hkdfSync("sha256", ikm, Buffer.alloc(0), LAB_KEY_INFO, 32));
}

/** The lab policies: one policy (`lab`), the default for every KID, ClearKey behind a JWT or a SWT from the lab issuer. */
export function labPolicies(seed: KeySeed): KeyDeliveryPolicies {
  const key = { type: "Symmetric" as const, keyValue: labTokenKey(seed).toString("base64") };
  const restriction = (tokenType: "Jwt" | "Swt") => ({
    type: "Token" as const,
    issuer: LAB_ISSUER,
    audience: LAB_AUDIENCE,
    tokenType,
    primaryVerificationKey: key,
  });
  return keyDeliveryPoliciesSchema.parse({
    policies: [
      {
        name: LAB_POLICY_NAME,
        description: "LAB ONLY: token key derived from the key seed",
        options: [
          { name: "clearkey-jwt", configuration: { type: "ClearKey" }, restriction: restriction("Jwt") },
          { name: "clearkey-swt", configuration: { type: "ClearKey" }, restriction: restriction("Swt") },
        ],
      },
    ],
    bindings: [],
    defaultPolicy: LAB_POLICY_NAME,
  });
}

/** The lab policies as a store: derived from the seed on first use (retried if the seed fails). */
export function labPolicyStore(ctx: KeyplaneContext): PolicyStore {
  let lab: Promise<PolicyIndex> | undefined;
  let labIndex: PolicyIndex | undefined;
  return {
    mode: "lab",
    current() {
      return labIndex;
    },
    get() {
      lab ??= ctx.seed().then((s) => (labIndex = new PolicyIndex(labPolicies(s))));
      lab.catch(() => {
        lab = undefined;
      });
      return lab;
    },
  };
}
