/**
 * Read-only helpers the rules share: environment of a resource, safe deep walks over inputs, and one normalised view
 * of content key policies whether they come as Azure Media Services ARM inputs (`odataType`) or as the Keyplane policy
 * model (`type`, functions/policy/model.ts) embedded as JSON in a function's environment, a parameter or a secret.
 */
import type { ResourceUnderReview, RuleConfig } from "./types";

const MAX_DEPTH = 24;
const MAX_JSON_CHARS = 512 * 1024;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The stack name inside a URN (`urn:pulumi:<stack>::<project>::...`), if any. */
export function stackFromUrn(urn: string | undefined): string | undefined {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn ?? "");
  return m?.[1];
}

export function environmentOf(resource: ResourceUnderReview, config: RuleConfig): string | undefined {
  return config.environment ?? stackFromUrn(resource.urn);
}

/** Unknown environments count as production: the strict answer is the safe one. */
export function isProduction(resource: ResourceUnderReview, config: RuleConfig): boolean {
  const env = environmentOf(resource, config);
  return env === undefined || config.productionEnvironments.includes(env);
}

/** Visit every value below `root` (objects and arrays), with its path. Depth-capped; cycles cannot occur in JSON-like input. */
export function walk(root: unknown, visit: (path: string, key: string, value: unknown) => void, base = ""): void {
  const go = (v: unknown, path: string, key: string, depth: number) => {
    visit(path, key, v);
    if (depth >= MAX_DEPTH) return;
    if (Array.isArray(v))
      v.forEach((item, i) => {
        go(item, `${path}[${i}]`, key, depth + 1);
      });
    else if (isRecord(v))
      for (const [k, child] of Object.entries(v)) go(child, path ? `${path}.${k}` : k, k, depth + 1);
  };
  if (Array.isArray(root))
    root.forEach((item, i) => {
      go(item, `${base}[${i}]`, "", 1);
    });
  else if (isRecord(root)) for (const [k, child] of Object.entries(root)) go(child, base ? `${base}.${k}` : k, k, 1);
}

export function get(root: unknown, path: (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (typeof p === "number") v = Array.isArray(v) ? v[p] : undefined;
    else v = isRecord(v) ? v[p] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** JSON.parse for strings that look like JSON objects/arrays; anything else (or too large) is undefined. */
export function tryJson(s: unknown): unknown {
  if (typeof s !== "string" || s.length > MAX_JSON_CHARS) return undefined;
  const t = s.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** `environment.variables` of a Lambda function (aws provider) as a string map. */
export function lambdaEnvironment(resource: ResourceUnderReview): Record<string, unknown> {
  if (!isAwsType(resource.type, "lambda", "Function")) return {};
  const vars = get(resource.props, ["environment", "variables"]);
  return isRecord(vars) ? vars : {};
}

/**
 * Whether a type token is the classic aws provider type `aws:<module>/<lowerCamel>:<Type>` (the short `aws:<module>:<Type>`
 * spelling is accepted too).
 */
export function isAwsType(type: string, module: string, name: string): boolean {
  const lower = name.charAt(0).toLowerCase() + name.slice(1);
  return type === `aws:${module}/${lower}:${name}` || type === `aws:${module}:${name}`;
}

export function isAmsType(type: string, name: string): boolean {
  return new RegExp(`^azure-native:media(/v\\d+(preview)?)?:${name}$`).test(type);
}

// ---------- content key policies ----------

export interface NormalizedKey {
  kind: "Symmetric" | "Rsa" | "X509" | "Unknown";
  keyValue?: string;
  modulus?: string;
  rawBody?: string;
  path: string;
}

export interface NormalizedRestriction {
  kind: "Open" | "Token" | "Unknown";
  path: string;
  issuer?: unknown;
  audience?: unknown;
  tokenType?: unknown;
  maxTokenLifetimeSeconds?: unknown;
  openIdConnectDiscoveryDocument?: unknown;
  keys: NormalizedKey[];
}

export interface NormalizedPlayReadyLicense {
  allowTestDevices: unknown;
  securityLevel: unknown;
  path: string;
}

export interface NormalizedOption {
  name: string;
  path: string;
  configurationKind: "PlayReady" | "Widevine" | "FairPlay" | "ClearKey" | "Unknown";
  playReadyLicenses: NormalizedPlayReadyLicense[];
  /** Parsed Widevine template (AMS stores it as a JSON string, the Keyplane model as an object). */
  widevineTemplate?: unknown;
  widevineTemplatePath?: string;
  restriction: NormalizedRestriction;
}

function kindOf(node: Record<string, unknown>): string {
  if (typeof node.type === "string") return node.type;
  if (typeof node.odataType === "string") {
    return node.odataType
      .replace(/^#Microsoft\.Media\.ContentKeyPolicy/, "")
      .replace(/Configuration$|Restriction$|TokenKey$|CertificateTokenKey$/, "");
  }
  return "Unknown";
}

function normalizeKey(k: unknown, path: string): NormalizedKey | undefined {
  if (!isRecord(k)) return undefined;
  const raw = kindOf(k);
  const kind =
    raw === "Symmetric" || raw === "Rsa" ? raw : raw === "X509" || raw === "X509Certificate" ? "X509" : "Unknown";
  const out: NormalizedKey = { kind, path };
  if (typeof k.keyValue === "string") out.keyValue = k.keyValue;
  if (typeof k.modulus === "string") out.modulus = k.modulus;
  if (typeof k.rawBody === "string") out.rawBody = k.rawBody;
  return out;
}

function normalizeRestriction(r: unknown, path: string): NormalizedRestriction {
  if (!isRecord(r)) return { kind: "Unknown", path, keys: [] };
  const raw = kindOf(r);
  const kind = raw === "Open" || raw === "Token" ? raw : "Unknown";
  const keys: NormalizedKey[] = [];
  const primary = normalizeKey(r.primaryVerificationKey, `${path}.primaryVerificationKey`);
  if (primary) keys.push(primary);
  if (Array.isArray(r.alternateVerificationKeys)) {
    r.alternateVerificationKeys.forEach((k, i) => {
      const n = normalizeKey(k, `${path}.alternateVerificationKeys[${i}]`);
      if (n) keys.push(n);
    });
  }
  return {
    kind,
    path,
    issuer: r.issuer,
    audience: r.audience,
    tokenType: r.tokenType ?? r.restrictionTokenType,
    maxTokenLifetimeSeconds: r.maxTokenLifetimeSeconds,
    openIdConnectDiscoveryDocument: r.openIdConnectDiscoveryDocument,
    keys,
  };
}

function normalizeOption(o: Record<string, unknown>, path: string, index: number): NormalizedOption {
  const conf = isRecord(o.configuration) ? o.configuration : {};
  const raw = kindOf(conf);
  const configurationKind =
    (["PlayReady", "Widevine", "FairPlay", "ClearKey"] as const).find((k) => k === raw) ?? "Unknown";
  const option: NormalizedOption = {
    name: typeof o.name === "string" ? o.name : `#${index}`,
    path,
    configurationKind,
    playReadyLicenses: [],
    restriction: normalizeRestriction(o.restriction, `${path}.restriction`),
  };
  if (configurationKind === "PlayReady" && Array.isArray(conf.licenses)) {
    conf.licenses.forEach((l, i) => {
      if (isRecord(l))
        option.playReadyLicenses.push({
          allowTestDevices: l.allowTestDevices,
          securityLevel: l.securityLevel,
          path: `${path}.configuration.licenses[${i}]`,
        });
    });
  }
  if (configurationKind === "Widevine") {
    if (typeof conf.widevineTemplate === "string") {
      option.widevineTemplate = tryJson(conf.widevineTemplate) ?? conf.widevineTemplate;
      option.widevineTemplatePath = `${path}.configuration.widevineTemplate`;
    } else if (conf.template !== undefined) {
      option.widevineTemplate = conf.template;
      option.widevineTemplatePath = `${path}.configuration.template`;
    }
  }
  return option;
}

function looksLikeOption(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && isRecord(v.configuration) && isRecord(v.restriction);
}

/** Every content key policy option found in the resource: AMS ContentKeyPolicy inputs, or policy JSON embedded anywhere in its inputs. */
export function contentKeyPolicyOptions(resource: ResourceUnderReview): NormalizedOption[] {
  const found: NormalizedOption[] = [];
  const scan = (root: unknown, base: string) => {
    walk(
      root,
      (path, key, value) => {
        if (key === "options" && Array.isArray(value) && value.some(looksLikeOption)) {
          value.forEach((o, i) => {
            if (looksLikeOption(o)) found.push(normalizeOption(o, `${path}[${i}]`, i));
          });
        } else if (typeof value === "string" && value.includes('"options"')) {
          const parsed = tryJson(value);
          if (parsed !== undefined) scan(parsed, path);
        }
      },
      base,
    );
  };
  scan(resource.props, "");
  return found;
}

/** Bits of a big-endian modulus given as base64 (leading zero bytes ignored). */
export function modulusBits(b64: string): number {
  const bytes = Buffer.from(b64, "base64");
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0));
}
