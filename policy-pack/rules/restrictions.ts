/** Rules on key delivery restrictions (who may fetch keys and licenses), for AMS policies and the Keyplane model alike. */
import { contentKeyPolicyOptions, environmentOf, modulusBits } from "./inspect";
import type { RuleDefinition, RuleFinding } from "./types";

export const noOpenRestriction: RuleDefinition = {
  name: "keyplane-no-open-restriction",
  description:
    "Content key policy options must use a token restriction; an open restriction is tolerated only in the environments listed in openRestrictionAllowedIn (default: dev).",
  enforcementLevel: "mandatory",
  configKeys: ["environment", "openRestrictionAllowedIn"],
  check: (resource, config) => {
    const env = environmentOf(resource, config);
    if (env !== undefined && config.openRestrictionAllowedIn.includes(env)) return [];
    return contentKeyPolicyOptions(resource)
      .filter((o) => o.restriction.kind === "Open")
      .map((o) => ({
        path: o.restriction.path,
        message: `option "${o.name}" uses an open restriction (anyone can fetch the key) in environment "${env ?? "unknown"}"; use a token restriction`,
      }));
  },
};

export const tokenIssuerAudience: RuleDefinition = {
  name: "keyplane-token-issuer-audience",
  description:
    "Token restrictions must name a non-empty issuer and audience and a token type (Jwt or Swt), and must be verifiable (a primary key or an OpenID Connect discovery document).",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    const out: RuleFinding[] = [];
    for (const o of contentKeyPolicyOptions(resource)) {
      const r = o.restriction;
      if (r.kind === "Unknown") {
        out.push({ path: r.path, message: `option "${o.name}" has an unknown restriction type` });
        continue;
      }
      if (r.kind !== "Token") continue;
      for (const field of ["issuer", "audience"] as const) {
        const v = r[field];
        if (typeof v !== "string" || v.trim() === "")
          out.push({ path: `${r.path}.${field}`, message: `token restriction of option "${o.name}" has no ${field}` });
      }
      if (r.tokenType !== "Jwt" && r.tokenType !== "Swt")
        out.push({
          path: `${r.path}.tokenType`,
          message: `token restriction of option "${o.name}" must set the token type to Jwt or Swt`,
        });
      if (r.keys.length === 0 && typeof r.openIdConnectDiscoveryDocument !== "string") {
        out.push({
          path: r.path,
          message: `token restriction of option "${o.name}" has no verification key and no OpenID Connect discovery document`,
        });
      }
    }
    return out;
  },
};

export const tokenLifetimeBounded: RuleDefinition = {
  name: "keyplane-token-lifetime-bounded",
  description:
    "Keyplane token restrictions bound token lifetimes: maxTokenLifetimeSeconds must be a positive integer no larger than the configured maximum (default 24 h). AMS restrictions (no such field) are not applicable.",
  enforcementLevel: "mandatory",
  configKeys: ["maxTokenLifetimeSeconds"],
  check: (resource, config) => {
    const out: RuleFinding[] = [];
    for (const o of contentKeyPolicyOptions(resource)) {
      const r = o.restriction;
      // AMS ARM restrictions carry `restrictionTokenType`; the Keyplane model carries `tokenType` and enforces the bound.
      if (r.kind !== "Token" || r.maxTokenLifetimeSeconds === undefined) continue;
      const v = r.maxTokenLifetimeSeconds;
      if (typeof v !== "number" || !Number.isInteger(v) || v <= 0 || v > config.maxTokenLifetimeSeconds) {
        out.push({
          path: `${r.path}.maxTokenLifetimeSeconds`,
          message: `token restriction of option "${o.name}" allows tokens living ${String(v)} s; the maximum is ${config.maxTokenLifetimeSeconds} s`,
        });
      }
    }
    return out;
  },
};

export const tokenKeyStrength: RuleDefinition = {
  name: "keyplane-token-key-strength",
  description:
    "Token verification keys must be strong: symmetric keys at least 32 bytes (HS256, RFC 7518 §3.2), RSA moduli at least minRsaBits (default 2048).",
  enforcementLevel: "mandatory",
  configKeys: ["minRsaBits"],
  check: (resource, config) => {
    const out: RuleFinding[] = [];
    for (const o of contentKeyPolicyOptions(resource)) {
      for (const k of o.restriction.keys) {
        if (k.kind === "Symmetric") {
          const len = typeof k.keyValue === "string" ? Buffer.from(k.keyValue, "base64").length : 0;
          if (len < 32)
            out.push({
              path: k.path,
              message: `symmetric token key of option "${o.name}" is ${len} bytes; at least 32 are required`,
            });
        } else if (k.kind === "Rsa") {
          const bits = typeof k.modulus === "string" ? modulusBits(k.modulus) : 0;
          if (bits < config.minRsaBits)
            out.push({
              path: k.path,
              message: `RSA token key of option "${o.name}" is ${bits} bits; at least ${config.minRsaBits} are required`,
            });
        }
      }
    }
    return out;
  },
};
