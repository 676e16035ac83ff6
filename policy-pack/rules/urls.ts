/** License, key and SPEKE URLs must be HTTPS: keys and licenses never travel in clear text. */
import { isAmsType, isRecord, isProduction, lambdaEnvironment, tryJson, walk } from "./inspect";
import type { ResourceUnderReview, RuleDefinition, RuleFinding } from "./types";

/** Paths whose URLs carry keys, licenses or tokens. */
const PROTECTION_PATH =
  /(licen[cs]e|key|speke|drm|token|renewal|acquisition|delivery|vendor|upstream|discovery|jwks|laurl|cpix|clearkey|fairplay|widevine|playready)/i;
const URLISH_KEY = /(url|uri|template|endpoint|laurl|address)$/i;

function isProtectionResource(type: string): boolean {
  return (
    /^aws-native:mediapackage(v2)?:/.test(type) ||
    isAmsType(type, "StreamingPolicy") ||
    isAmsType(type, "ContentKeyPolicy")
  );
}

function insecure(value: string, _resource: ResourceUnderReview, allowedHosts: string[], prod: boolean): boolean {
  const m = /^http:\/\/([^/:?#]+)/i.exec(value.trim());
  if (!m) return false;
  const host = (m[1] ?? "").toLowerCase();
  return prod || !allowedHosts.includes(host);
}

export const httpsUrls: RuleDefinition = {
  name: "keyplane-https-urls",
  description:
    "License, key delivery, SPEKE and token discovery URLs (MediaPackage key providers, AMS streaming policy templates, function settings naming such URLs, renewal URLs in templates) must use https://. Plain http is accepted only for insecureUrlHostsAllowed hosts outside production.",
  enforcementLevel: "mandatory",
  configKeys: ["insecureUrlHostsAllowed", "environment", "productionEnvironments"],
  check: (resource, config) => {
    const out: RuleFinding[] = [];
    const prod = isProduction(resource, config);
    const protectionType = isProtectionResource(resource.type);
    const seen = new Set<string>();
    const visit = (path: string, key: string, value: unknown) => {
      if (typeof value !== "string") return;
      const nested = tryJson(value);
      if (nested !== undefined && (isRecord(nested) || Array.isArray(nested))) walk(nested, visit, path);
      if (!URLISH_KEY.test(key) && !/^https?:\/\//i.test(value.trim())) return;
      if (!(protectionType || PROTECTION_PATH.test(path))) return;
      if (insecure(value, resource, config.insecureUrlHostsAllowed, prod) && !seen.has(path)) {
        seen.add(path);
        out.push({ path, message: `${path} is not HTTPS (${value.slice(0, 120)})` });
      }
    };
    walk(resource.props, visit);
    // Function settings: names like LICENSE_URL / KEYPLANE_VENDOR_URL carry the meaning the value lacks.
    for (const [name, value] of Object.entries(lambdaEnvironment(resource))) {
      const path = `environment.variables.${name}`;
      if (
        typeof value === "string" &&
        /(URL|URI|ENDPOINT)/i.test(name) &&
        insecure(value, resource, config.insecureUrlHostsAllowed, prod) &&
        !seen.has(path)
      ) {
        seen.add(path);
        out.push({ path, message: `${path} is not HTTPS (${value.slice(0, 120)})` });
      }
    }
    return out;
  },
};
