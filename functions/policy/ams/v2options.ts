/**
 * AMS v2 `ContentKeyAuthorizationPolicyOption` entities (REST JSON: Name, KeyDeliveryType, KeyDeliveryConfiguration,
 * Restrictions[{Name, KeyRestrictionType, Requirements}]) -> options of the shared model.
 *
 * KeyDeliveryType: 1 PlayReadyLicense, 2 BaselineHttp (AES-128 / clear key), 3 Widevine, 4 FairPlay.
 * KeyRestrictionType: 0 Open, 1 TokenRestricted (Requirements = TokenRestrictionTemplate XML), 2 IPRestricted.
 * Carried over: BaselineHttp -> ClearKey, Widevine (template JSON) -> Widevine, Open and Token restrictions.
 * Refused with AMS_IMPORT_UNSUPPORTED: PlayReady license-template XML, FairPlay (its ASK and PFX are stored as
 * separate v2 content keys, not in the option), IP restrictions, more than one restriction per option.
 */
import { KeyplaneError } from "../../errors";
import { contentKeyPolicySchema, widevineTemplateSchema, type ContentKeyPolicy, type Restriction } from "../model";
import { formatIssues } from "../../validation";
import { canonicalJson, MAX_WIDEVINE_TEMPLATE_CHARS } from "./arm";
import { parseTokenRestrictionTemplate } from "./tokenTemplate";

export const V2_KEY_DELIVERY_TYPE = { PlayReadyLicense: 1, BaselineHttp: 2, Widevine: 3, FairPlay: 4 } as const;
export const V2_KEY_RESTRICTION_TYPE = { Open: 0, TokenRestricted: 1, IPRestricted: 2 } as const;

export interface V2AuthorizationPolicyOption {
  Name: string;
  KeyDeliveryType: number;
  KeyDeliveryConfiguration?: string | null;
  Restrictions: Array<{ Name?: string; KeyRestrictionType: number; Requirements?: string | null }>;
}

function unsupported(path: string, what: string): KeyplaneError {
  return new KeyplaneError("AMS_IMPORT_UNSUPPORTED", `${path}: ${what} is not supported by the Keyplane policy model`, {
    status: 400,
  });
}

/** Converts v2 authorization policy options into one validated content key policy named `name`. */
export function contentKeyPolicyFromV2Options(
  name: string,
  options: V2AuthorizationPolicyOption[],
  description?: string,
): ContentKeyPolicy {
  if (!Array.isArray(options) || options.length === 0)
    throw new KeyplaneError("AMS_IMPORT_INVALID", "a v2 authorization policy needs at least one option", {
      status: 400,
    });
  const converted = options.map((o, i) => {
    const path = `options.${i}`;
    if (!o || typeof o !== "object")
      throw new KeyplaneError("AMS_IMPORT_INVALID", `${path}: expected an object`, { status: 400 });
    return { name: o.Name, configuration: v2Configuration(o, path), restriction: v2Restriction(o, path) };
  });
  const r = contentKeyPolicySchema.safeParse({
    name,
    ...(description !== undefined ? { description } : {}),
    options: converted,
  });
  if (!r.success)
    throw new KeyplaneError(
      "AMS_IMPORT_INVALID",
      `The AMS v2 authorization policy cannot be imported: ${formatIssues(r.error)}`,
      { status: 400 },
    );
  return r.data;
}

function v2Configuration(o: V2AuthorizationPolicyOption, path: string): unknown {
  switch (o.KeyDeliveryType) {
    case V2_KEY_DELIVERY_TYPE.BaselineHttp:
      return { type: "ClearKey" };
    case V2_KEY_DELIVERY_TYPE.Widevine: {
      const t = o.KeyDeliveryConfiguration;
      if (typeof t !== "string" || !t.trim()) return { type: "Widevine", template: {} };
      if (t.length > MAX_WIDEVINE_TEMPLATE_CHARS)
        throw new KeyplaneError("AMS_IMPORT_INVALID", `${path}.KeyDeliveryConfiguration: Widevine template too long`, {
          status: 400,
        });
      let parsed: unknown;
      try {
        parsed = JSON.parse(t);
      } catch {
        throw new KeyplaneError(
          "AMS_IMPORT_INVALID",
          `${path}.KeyDeliveryConfiguration: Widevine template is not JSON`,
          { status: 400 },
        );
      }
      const r = widevineTemplateSchema.safeParse(parsed);
      if (!r.success)
        throw new KeyplaneError("AMS_IMPORT_INVALID", `${path}.KeyDeliveryConfiguration: ${formatIssues(r.error)}`, {
          status: 400,
        });
      if (canonicalJson(r.data) !== canonicalJson(parsed))
        throw unsupported(`${path}.KeyDeliveryConfiguration`, "a Widevine template field");
      return { type: "Widevine", template: r.data };
    }
    case V2_KEY_DELIVERY_TYPE.PlayReadyLicense:
      throw unsupported(path, "a v2 PlayReady license response template (convert it to a v3 PlayReady configuration)");
    case V2_KEY_DELIVERY_TYPE.FairPlay:
      throw unsupported(
        path,
        "a v2 FairPlay configuration (its ASK and PFX live in separate v2 content keys; declare a FairPlay configuration)",
      );
    default:
      throw unsupported(path, `KeyDeliveryType ${String(o.KeyDeliveryType)}`);
  }
}

function v2Restriction(o: V2AuthorizationPolicyOption, path: string): Restriction {
  if (!Array.isArray(o.Restrictions) || o.Restrictions.length !== 1)
    throw unsupported(`${path}.Restrictions`, "an option without exactly one restriction");
  const r = o.Restrictions[0]!;
  switch (r.KeyRestrictionType) {
    case V2_KEY_RESTRICTION_TYPE.Open:
      return { type: "Open" };
    case V2_KEY_RESTRICTION_TYPE.TokenRestricted:
      if (typeof r.Requirements !== "string")
        throw new KeyplaneError(
          "AMS_IMPORT_INVALID",
          `${path}.Restrictions.0.Requirements: a token restriction needs its TokenRestrictionTemplate XML`,
          { status: 400 },
        );
      return parseTokenRestrictionTemplate(r.Requirements);
    case V2_KEY_RESTRICTION_TYPE.IPRestricted:
      throw unsupported(`${path}.Restrictions.0`, "an IP restriction");
    default:
      throw unsupported(`${path}.Restrictions.0`, `KeyRestrictionType ${String(r.KeyRestrictionType)}`);
  }
}
