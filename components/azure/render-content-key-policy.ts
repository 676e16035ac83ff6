/**
 * Content key policy options, rendered without the Pulumi runtime: the shared policy model (validated by the schema the
 * key delivery enforces) -> `azure-native.media` ContentKeyPolicy option shapes (discriminator `odataType`), and where
 * their secrets sit so the component can wrap them as Pulumi secrets.
 */
import { parseContentKeyPolicy, type ContentKeyPolicy, type ContentKeyPolicyInput } from "../../functions/policy";
import { contentKeyPolicyToArm, ODATA_KEY, type ArmObject } from "../../functions/policy/ams";

/** One option in azure-native input form (`odataType` discriminators). */
export interface AmsContentKeyPolicyOptionArgs {
  /** Option name (ARM `options[].name`): 1..256 characters, unique within the policy (checked by the policy schema). */
  name: string;
  /**
   * The key delivery configuration (ARM `options[].configuration`): `odataType`
   * `#Microsoft.Media.ContentKeyPolicy{ClearKey,PlayReady,Widevine,FairPlay}Configuration` with that type's fields.
   */
  configuration: ArmObject & { odataType: string };
  /**
   * Who may get the key (ARM `options[].restriction`): `odataType` `#Microsoft.Media.ContentKeyPolicyOpenRestriction`
   * or `#Microsoft.Media.ContentKeyPolicyTokenRestriction` (issuer, audience, token type, verification keys, claims).
   */
  restriction: ArmObject & { odataType: string };
}

/** Renames the REST discriminator `@odata.type` to Pulumi's `odataType`, recursively. */
export function toPulumiShape<T>(v: T): T {
  if (Array.isArray(v)) return v.map(toPulumiShape) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k === ODATA_KEY ? "odataType" : k, toPulumiShape(x)]),
    ) as T;
  }
  return v;
}

/** Validates the policy (same schema the key delivery enforces) and renders `ContentKeyPolicy` args. */
export function renderContentKeyPolicy(input: ContentKeyPolicyInput | ContentKeyPolicy): {
  policy: ContentKeyPolicy;
  description?: string;
  options: AmsContentKeyPolicyOptionArgs[];
} {
  const policy = parseContentKeyPolicy(input);
  const arm = contentKeyPolicyToArm(policy);
  return {
    policy,
    ...(arm.description !== undefined ? { description: arm.description } : {}),
    options: toPulumiShape(arm.options) as AmsContentKeyPolicyOptionArgs[],
  };
}

/** Where secrets sit in rendered options: FairPlay ASK/PFX/password and symmetric token keys. */
export function policyHasSecrets(policy: ContentKeyPolicy): boolean {
  return policy.options.some(
    (o) =>
      o.configuration.type === "FairPlay" ||
      (o.restriction.type === "Token" &&
        [o.restriction.primaryVerificationKey, ...o.restriction.alternateVerificationKeys].some(
          (k) => k?.type === "Symmetric",
        )),
  );
}

/**
 * Replaces each secret leaf of rendered options with `wrap(value)` (the component passes `pulumi.secret`), so the
 * rest of the policy stays readable in previews while the secrets stay encrypted in state.
 */
export function wrapSecrets<W>(options: AmsContentKeyPolicyOptionArgs[], wrap: (v: string) => W): unknown[] {
  return options.map((o) => {
    const c: ArmObject = { ...o.configuration };
    if (c.odataType === "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration") {
      for (const k of ["ask", "fairPlayPfx", "fairPlayPfxPassword"])
        if (typeof c[k] === "string") c[k] = wrap(c[k] as string);
    }
    const r: ArmObject = { ...o.restriction };
    const wrapKey = (k: unknown): unknown => {
      const key = k as ArmObject;
      return key &&
        key.odataType === "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey" &&
        typeof key.keyValue === "string"
        ? { ...key, keyValue: wrap(key.keyValue) }
        : key;
    };
    if (r.primaryVerificationKey) r.primaryVerificationKey = wrapKey(r.primaryVerificationKey);
    if (Array.isArray(r.alternateVerificationKeys))
      r.alternateVerificationKeys = r.alternateVerificationKeys.map(wrapKey);
    return { name: o.name, configuration: c, restriction: r };
  });
}
