/**
 * The AMS v3 ContentKeyPolicy in its ARM/REST JSON form (discriminator `@odata.type`) <-> the shared policy model.
 * (Size: over 300 lines because both directions of one mapping sit side by side, so each field's rendering and its
 * import can be read and changed together.)
 * `contentKeyPolicyToArm` renders a validated model; `contentKeyPolicyFromArm` imports ARM JSON (as returned by
 * `GET .../contentKeyPolicies/{name}/getPolicyPropertiesWithSecrets` or written in ARM templates) into the model,
 * refusing anything the model cannot carry instead of dropping it.
 *
 * Representation differences (the model follows ARM names, with these exceptions):
 * - FairPlay `ask`: hex in the model, base64 in ARM.
 * - Widevine: typed `template` in the model, the JSON string `widevineTemplate` in ARM.
 * - X.509 keys: the model also accepts PEM; ARM carries base64 DER in `rawBody`.
 * - Token restriction `tokenType` <-> ARM `restrictionTokenType`; `maxTokenLifetimeSeconds` is Keyplane-only (not rendered).
 * - PlayReady play right `explicitAnalogVideoOutputProtection` (model) has no ARM field; ARM's
 *   `explicitAnalogTelevisionOutputRestriction` has no model field. Both are refused.
 */
import { KeyplaneError } from "../../errors";
import {
  contentKeyPolicySchema,
  widevineTemplateSchema,
  type Configuration,
  type ContentKeyPolicy,
  type PlayReadyLicense,
  type Restriction,
  type VerificationKey,
} from "../model";
import { formatIssues } from "../../validation";
import { ODATA, ODATA_KEY } from "./odata";

/** A JSON object in ARM form. */
export type ArmObject = { [key: string]: unknown };

export interface ArmContentKeyPolicyProperties {
  description?: string;
  options: ArmContentKeyPolicyOption[];
}
export interface ArmContentKeyPolicyOption {
  name: string;
  configuration: ArmObject;
  restriction: ArmObject;
}

export const MAX_WIDEVINE_TEMPLATE_CHARS = 16 * 1024;

// ---------------------------------------------------------------- model -> ARM

/** Renders a validated policy into ARM `properties` (REST form, `@odata.type`). Throws AMS_RENDER_UNSUPPORTED. */
export function contentKeyPolicyToArm(policy: ContentKeyPolicy): ArmContentKeyPolicyProperties {
  return {
    ...(policy.description !== undefined ? { description: policy.description } : {}),
    options: policy.options.map((o, i) => ({
      name: o.name,
      configuration: configurationToArm(o.configuration, `options.${i}.configuration`),
      restriction: restrictionToArm(o.restriction),
    })),
  };
}

export function configurationToArm(c: Configuration, path = "configuration"): ArmObject {
  switch (c.type) {
    case "ClearKey":
      return { [ODATA_KEY]: ODATA.clearKeyConfiguration };
    case "PlayReady":
      return {
        [ODATA_KEY]: ODATA.playReadyConfiguration,
        licenses: c.licenses.map((l, i) => playReadyLicenseToArm(l, `${path}.licenses.${i}`)),
        ...(c.responseCustomData !== undefined ? { responseCustomData: c.responseCustomData } : {}),
      };
    case "Widevine":
      return { [ODATA_KEY]: ODATA.widevineConfiguration, widevineTemplate: JSON.stringify(c.template) };
    case "FairPlay":
      return {
        [ODATA_KEY]: ODATA.fairPlayConfiguration,
        ask: Buffer.from(c.ask, "hex").toString("base64"),
        fairPlayPfx: c.fairPlayPfx,
        fairPlayPfxPassword: c.fairPlayPfxPassword,
        rentalAndLeaseKeyType: c.rentalAndLeaseKeyType,
        rentalDuration: c.rentalDuration,
        ...(c.offlineRentalConfiguration
          ? {
              offlineRentalConfiguration: {
                playbackDurationSeconds: c.offlineRentalConfiguration.playbackDurationSeconds,
                storageDurationSeconds: c.offlineRentalConfiguration.storageDurationSeconds,
              },
            }
          : {}),
      };
  }
}

function playReadyLicenseToArm(l: PlayReadyLicense, path: string): ArmObject {
  const out: ArmObject = {
    allowTestDevices: l.allowTestDevices,
    securityLevel: l.securityLevel,
    licenseType: l.licenseType,
    contentType: l.contentType,
    contentKeyLocation:
      l.contentKeyLocation.type === "FromHeader"
        ? { [ODATA_KEY]: ODATA.playReadyKeyFromHeader }
        : { [ODATA_KEY]: ODATA.playReadyKeyFromKeyIdentifier, keyId: l.contentKeyLocation.keyId },
  };
  for (const k of [
    "beginDate",
    "expirationDate",
    "relativeBeginDate",
    "relativeExpirationDate",
    "gracePeriod",
  ] as const) {
    if (l[k] !== undefined) out[k] = l[k];
  }
  if (l.playRight) {
    const { explicitAnalogVideoOutputProtection, ...rest } = l.playRight;
    if (explicitAnalogVideoOutputProtection !== undefined) {
      throw new KeyplaneError(
        "AMS_RENDER_UNSUPPORTED",
        `${path}.playRight.explicitAnalogVideoOutputProtection has no AMS ARM equivalent; remove it for Azure`,
        { status: 400 },
      );
    }
    out.playRight = dropUndefined(rest);
  }
  return out;
}

export function restrictionToArm(r: Restriction): ArmObject {
  if (r.type === "Open") return { [ODATA_KEY]: ODATA.openRestriction };
  return {
    [ODATA_KEY]: ODATA.tokenRestriction,
    issuer: r.issuer,
    audience: r.audience,
    restrictionTokenType: r.tokenType,
    ...(r.primaryVerificationKey ? { primaryVerificationKey: verificationKeyToArm(r.primaryVerificationKey) } : {}),
    ...(r.alternateVerificationKeys.length
      ? { alternateVerificationKeys: r.alternateVerificationKeys.map(verificationKeyToArm) }
      : {}),
    ...(r.requiredClaims.length
      ? {
          requiredClaims: r.requiredClaims.map((c) =>
            c.claimValue === undefined
              ? { claimType: c.claimType }
              : { claimType: c.claimType, claimValue: c.claimValue },
          ),
        }
      : {}),
    ...(r.openIdConnectDiscoveryDocument ? { openIdConnectDiscoveryDocument: r.openIdConnectDiscoveryDocument } : {}),
  };
}

export function verificationKeyToArm(k: VerificationKey): ArmObject {
  switch (k.type) {
    case "Symmetric":
      return { [ODATA_KEY]: ODATA.symmetricTokenKey, keyValue: k.keyValue };
    case "Rsa":
      return { [ODATA_KEY]: ODATA.rsaTokenKey, exponent: k.exponent, modulus: k.modulus };
    case "X509":
      return { [ODATA_KEY]: ODATA.x509CertificateTokenKey, rawBody: pemToBase64Der(k.rawBody) };
  }
}

/** PEM certificate text -> base64 DER; base64 input is returned unchanged. */
export function pemToBase64Der(text: string): string {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  return m ? m[1]!.replace(/\s+/g, "") : text.trim();
}

function dropUndefined<T extends object>(o: T): ArmObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

// ---------------------------------------------------------------- ARM -> model

class Issues {
  readonly list: string[] = [];
  /** Records a problem and answers an empty list in place of the value that should have been one. */
  addEmpty(path: string, message: string): never[] {
    this.add(path, message);
    return [];
  }
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  /** Flags keys outside `allowed` (the model cannot carry them). */
  keys(o: ArmObject, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o))
      if (k !== ODATA_KEY && !allowed.includes(k))
        this.add(`${path}.${k}`, "not supported by the Keyplane policy model");
  }
}

function isObject(v: unknown): v is ArmObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface ArmImportOptions {
  /** Policy name when the JSON is a bare `properties` object (ARM resource JSON carries `name`). */
  name?: string;
}

/**
 * Imports an AMS v3 ContentKeyPolicy (the ARM resource JSON with `properties`, or the `properties` object itself)
 * into the shared model. Throws KeyplaneError AMS_IMPORT_INVALID listing every path that cannot be carried over.
 */
export function contentKeyPolicyFromArm(json: unknown, opts: ArmImportOptions = {}): ContentKeyPolicy {
  const issues = new Issues();
  if (!isObject(json)) throw importError(["(root): expected a JSON object"]);
  const props = isObject(json.properties) ? json.properties : json;
  const name = opts.name ?? (typeof json.name === "string" ? json.name : undefined);
  issues.keys(props, ["description", "options", "created", "lastModified", "policyId"], "properties");
  const options = Array.isArray(props.options)
    ? props.options
    : issues.addEmpty("properties.options", "expected an array");
  const candidate = {
    name,
    ...(typeof props.description === "string" ? { description: props.description } : {}),
    options: options.map((o, i) => optionFromArm(o, `options.${i}`, issues)),
  };
  if (issues.list.length) throw importError(issues.list);
  const r = contentKeyPolicySchema.safeParse(candidate);
  if (!r.success) throw importError([formatIssues(r.error)]);
  return r.data;
}

function importError(lines: string[]): KeyplaneError {
  return new KeyplaneError("AMS_IMPORT_INVALID", `The AMS content key policy cannot be imported: ${lines.join("; ")}`, {
    status: 400,
  });
}

function optionFromArm(o: unknown, path: string, issues: Issues): unknown {
  if (!isObject(o)) return issues.add(path, "expected an object");
  issues.keys(o, ["name", "configuration", "restriction", "policyOptionId"], path);
  return {
    name: o.name,
    configuration: configurationFromArm(o.configuration, `${path}.configuration`, issues),
    restriction: restrictionFromArm(o.restriction, `${path}.restriction`, issues),
  };
}

function configurationFromArm(c: unknown, path: string, issues: Issues): unknown {
  if (!isObject(c)) return issues.add(path, "expected an object");
  switch (c[ODATA_KEY]) {
    case ODATA.clearKeyConfiguration:
      issues.keys(c, [], path);
      return { type: "ClearKey" };
    case ODATA.playReadyConfiguration: {
      issues.keys(c, ["licenses", "responseCustomData"], path);
      const licenses = Array.isArray(c.licenses)
        ? c.licenses
        : issues.addEmpty(`${path}.licenses`, "expected an array");
      return {
        type: "PlayReady",
        licenses: licenses.map((l, i) => playReadyLicenseFromArm(l, `${path}.licenses.${i}`, issues)),
        ...(c.responseCustomData !== undefined ? { responseCustomData: c.responseCustomData } : {}),
      };
    }
    case ODATA.widevineConfiguration:
      issues.keys(c, ["widevineTemplate"], path);
      return {
        type: "Widevine",
        template: widevineTemplateFromArm(c.widevineTemplate, `${path}.widevineTemplate`, issues),
      };
    case ODATA.fairPlayConfiguration: {
      issues.keys(
        c,
        [
          "ask",
          "fairPlayPfx",
          "fairPlayPfxPassword",
          "rentalAndLeaseKeyType",
          "rentalDuration",
          "offlineRentalConfiguration",
        ],
        path,
      );
      const ask = typeof c.ask === "string" ? Buffer.from(c.ask, "base64") : Buffer.alloc(0);
      if (ask.length !== 16) issues.add(`${path}.ask`, "expected base64 of 16 bytes");
      return {
        type: "FairPlay",
        ask: ask.toString("hex"),
        fairPlayPfx: c.fairPlayPfx,
        fairPlayPfxPassword: c.fairPlayPfxPassword,
        rentalAndLeaseKeyType: c.rentalAndLeaseKeyType,
        rentalDuration: c.rentalDuration,
        ...(c.offlineRentalConfiguration !== undefined && c.offlineRentalConfiguration !== null
          ? { offlineRentalConfiguration: c.offlineRentalConfiguration }
          : {}),
      };
    }
    default:
      return issues.add(`${path}.@odata.type`, `unsupported configuration type ${JSON.stringify(c[ODATA_KEY])}`);
  }
}

const PLAYREADY_LICENSE_KEYS = [
  "allowTestDevices",
  "beginDate",
  "expirationDate",
  "relativeBeginDate",
  "relativeExpirationDate",
  "gracePeriod",
  "playRight",
  "licenseType",
  "contentKeyLocation",
  "contentType",
  "securityLevel",
];
const PLAY_RIGHT_KEYS = [
  "firstPlayExpiration",
  "scmsRestriction",
  "agcAndColorStripeRestriction",
  "digitalVideoOnlyContentRestriction",
  "imageConstraintForAnalogComponentVideoRestriction",
  "imageConstraintForAnalogComputerMonitorRestriction",
  "allowPassingVideoContentToUnknownOutput",
  "uncompressedDigitalVideoOpl",
  "compressedDigitalVideoOpl",
  "analogVideoOpl",
  "compressedDigitalAudioOpl",
  "uncompressedDigitalAudioOpl",
];

function playReadyLicenseFromArm(l: unknown, path: string, issues: Issues): unknown {
  if (!isObject(l)) return issues.add(path, "expected an object");
  issues.keys(l, PLAYREADY_LICENSE_KEYS, path);
  const out: ArmObject = {};
  for (const k of PLAYREADY_LICENSE_KEYS)
    if (l[k] !== undefined && l[k] !== null && k !== "playRight" && k !== "contentKeyLocation") out[k] = l[k];
  const loc = l.contentKeyLocation;
  if (isObject(loc) && loc[ODATA_KEY] === ODATA.playReadyKeyFromHeader) {
    issues.keys(loc, [], `${path}.contentKeyLocation`);
    out.contentKeyLocation = { type: "FromHeader" };
  } else if (isObject(loc) && loc[ODATA_KEY] === ODATA.playReadyKeyFromKeyIdentifier) {
    issues.keys(loc, ["keyId"], `${path}.contentKeyLocation`);
    out.contentKeyLocation = { type: "FromKeyIdentifier", keyId: loc.keyId };
  } else {
    issues.add(
      `${path}.contentKeyLocation`,
      "expected a PlayReady content key location (FromHeader or FromKeyIdentifier)",
    );
  }
  if (isObject(l.playRight)) {
    issues.keys(l.playRight, PLAY_RIGHT_KEYS, `${path}.playRight`);
    out.playRight = Object.fromEntries(
      Object.entries(l.playRight).filter(([k, v]) => PLAY_RIGHT_KEYS.includes(k) && v !== null),
    );
  }
  return out;
}

function widevineTemplateFromArm(t: unknown, path: string, issues: Issues): unknown {
  if (typeof t !== "string") return issues.add(path, "expected a JSON string");
  if (t.length > MAX_WIDEVINE_TEMPLATE_CHARS)
    return issues.add(path, `longer than ${MAX_WIDEVINE_TEMPLATE_CHARS} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    return issues.add(path, "is not valid JSON");
  }
  const r = widevineTemplateSchema.safeParse(parsed);
  if (!r.success) return issues.add(path, formatIssues(r.error));
  if (canonicalJson(r.data) !== canonicalJson(parsed))
    issues.add(path, "has fields the Keyplane Widevine template does not carry");
  return r.data;
}

function restrictionFromArm(r: unknown, path: string, issues: Issues): unknown {
  if (!isObject(r)) return issues.add(path, "expected an object");
  if (r[ODATA_KEY] === ODATA.openRestriction) {
    issues.keys(r, [], path);
    return { type: "Open" };
  }
  if (r[ODATA_KEY] !== ODATA.tokenRestriction)
    return issues.add(`${path}.@odata.type`, `unsupported restriction type ${JSON.stringify(r[ODATA_KEY])}`);
  issues.keys(
    r,
    [
      "issuer",
      "audience",
      "restrictionTokenType",
      "primaryVerificationKey",
      "alternateVerificationKeys",
      "requiredClaims",
      "openIdConnectDiscoveryDocument",
    ],
    path,
  );
  const alts = Array.isArray(r.alternateVerificationKeys) ? r.alternateVerificationKeys : [];
  const claims = Array.isArray(r.requiredClaims) ? r.requiredClaims : [];
  return {
    type: "Token",
    issuer: r.issuer,
    audience: r.audience,
    tokenType: r.restrictionTokenType,
    ...(r.primaryVerificationKey !== undefined && r.primaryVerificationKey !== null
      ? { primaryVerificationKey: keyFromArm(r.primaryVerificationKey, `${path}.primaryVerificationKey`, issues) }
      : {}),
    alternateVerificationKeys: alts.map((k, i) => keyFromArm(k, `${path}.alternateVerificationKeys.${i}`, issues)),
    requiredClaims: claims.map((c, i) => {
      if (!isObject(c)) return issues.add(`${path}.requiredClaims.${i}`, "expected an object");
      issues.keys(c, ["claimType", "claimValue"], `${path}.requiredClaims.${i}`);
      return c.claimValue === undefined || c.claimValue === null
        ? { claimType: c.claimType }
        : { claimType: c.claimType, claimValue: c.claimValue };
    }),
    ...(typeof r.openIdConnectDiscoveryDocument === "string" && r.openIdConnectDiscoveryDocument
      ? { openIdConnectDiscoveryDocument: r.openIdConnectDiscoveryDocument }
      : {}),
  };
}

function keyFromArm(k: unknown, path: string, issues: Issues): unknown {
  if (!isObject(k)) return issues.add(path, "expected an object");
  switch (k[ODATA_KEY]) {
    case ODATA.symmetricTokenKey:
      issues.keys(k, ["keyValue"], path);
      return { type: "Symmetric", keyValue: k.keyValue };
    case ODATA.rsaTokenKey:
      issues.keys(k, ["exponent", "modulus"], path);
      return { type: "Rsa", exponent: k.exponent, modulus: k.modulus };
    case ODATA.x509CertificateTokenKey:
      issues.keys(k, ["rawBody"], path);
      return { type: "X509", rawBody: k.rawBody };
    default:
      return issues.add(`${path}.@odata.type`, `unsupported token key type ${JSON.stringify(k[ODATA_KEY])}`);
  }
}

/** JSON with object keys sorted, for structural comparison. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    isObject(val)
      ? Object.fromEntries(
          Object.keys(val)
            .sort()
            .map((k) => [k, val[k]]),
        )
      : val,
  );
}
