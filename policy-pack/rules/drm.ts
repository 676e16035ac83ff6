/** Rules on what licenses allow: PlayReady test devices and security levels, Widevine security levels. */
import { contentKeyPolicyOptions, isProduction, isRecord } from "./inspect";
import type { RuleDefinition, RuleFinding } from "./types";

const PLAYREADY_LEVELS = ["SL150", "SL2000", "SL3000"] as const;

export const noPlayReadyTestDevicesInProd: RuleDefinition = {
  name: "keyplane-playready-no-test-devices-in-prod",
  description: "PlayReady licenses must not allow test devices (allowTestDevices) in production environments.",
  enforcementLevel: "mandatory",
  configKeys: ["environment", "productionEnvironments"],
  check: (resource, config) => {
    if (!isProduction(resource, config)) return [];
    const out: RuleFinding[] = [];
    for (const o of contentKeyPolicyOptions(resource)) {
      for (const l of o.playReadyLicenses) {
        if (l.allowTestDevices === true)
          out.push({
            path: `${l.path}.allowTestDevices`,
            message: `PlayReady license of option "${o.name}" allows test devices in production`,
          });
      }
    }
    return out;
  },
};

export const playReadySecurityLevel: RuleDefinition = {
  name: "keyplane-playready-security-level",
  description:
    "PlayReady licenses must require a security level at or above playReadyMinSecurityLevel (default SL2000; SL150 is for development clients). The level must be explicit: the Keyplane model writes its SL2000 default into the deployed policy, and an AMS license without one is refused.",
  enforcementLevel: "mandatory",
  configKeys: ["playReadyMinSecurityLevel"],
  check: (resource, config) => {
    const floor = PLAYREADY_LEVELS.indexOf(config.playReadyMinSecurityLevel);
    const out: RuleFinding[] = [];
    for (const o of contentKeyPolicyOptions(resource)) {
      for (const l of o.playReadyLicenses) {
        const level = l.securityLevel ?? "unset";
        const idx = PLAYREADY_LEVELS.indexOf(level as (typeof PLAYREADY_LEVELS)[number]);
        if (idx < floor) {
          out.push({
            path: `${l.path}.securityLevel`,
            message: `PlayReady license of option "${o.name}" has security level ${String(level)}; the floor is ${config.playReadyMinSecurityLevel}`,
          });
        }
      }
    }
    return out;
  },
};

export const widevineSecurityLevel: RuleDefinition = {
  name: "keyplane-widevine-security-level",
  description:
    "Widevine templates must be valid JSON and every content_key_specs[].security_level (1 = SW_SECURE_CRYPTO, default when unset) must be at or above widevineMinSecurityLevel.",
  enforcementLevel: "mandatory",
  configKeys: ["widevineMinSecurityLevel"],
  check: (resource, config) => {
    const out: RuleFinding[] = [];
    for (const o of contentKeyPolicyOptions(resource)) {
      if (o.configurationKind !== "Widevine") continue;
      const t = o.widevineTemplate;
      const path = o.widevineTemplatePath ?? o.path;
      if (t === undefined) {
        if (config.widevineMinSecurityLevel > 1)
          out.push({
            path,
            message: `Widevine option "${o.name}" has no template, so its security level defaults to 1 (floor ${config.widevineMinSecurityLevel})`,
          });
        continue;
      }
      if (!isRecord(t)) {
        out.push({ path, message: `Widevine template of option "${o.name}" is not a JSON object` });
        continue;
      }
      const specs = Array.isArray(t.content_key_specs) ? t.content_key_specs : [];
      if (specs.length === 0 && config.widevineMinSecurityLevel > 1) {
        out.push({
          path,
          message: `Widevine template of option "${o.name}" sets no content_key_specs, so its security level defaults to 1 (floor ${config.widevineMinSecurityLevel})`,
        });
      }
      specs.forEach((s, i) => {
        const level = isRecord(s) ? (s.security_level ?? 1) : undefined;
        if (typeof level !== "number" || level < config.widevineMinSecurityLevel) {
          out.push({
            path: `${path}.content_key_specs[${i}].security_level`,
            message: `Widevine content key spec ${i} of option "${o.name}" has security level ${String(level)}; the floor is ${config.widevineMinSecurityLevel}`,
          });
        }
      });
    }
    return out;
  },
};
