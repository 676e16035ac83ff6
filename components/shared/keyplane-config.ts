/**
 * The one `KEYPLANE_CONFIG` document each component hands its function(s) (functions/config.ts): built here from
 * component arguments and checked with the core's own schema, so a bad value fails `pulumi preview` / `pulumi up`
 * rather than the function's cold start. The document emitted is the input as given (defaults stay implicit: Lambda
 * environments hold 4 KiB in all).
 */
import { keyplaneConfigSchema, type KeyplaneConfigInput } from "../../functions/config";
import { deliveryConfigSchema } from "../../functions/delivery/config";
import {
  keyDeliveryPoliciesSchema,
  type KeyDeliveryPolicies,
  type PolicyBinding,
} from "../../functions/policy/bindings";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import { formatIssues } from "../../functions/validation";

/** The document as JSON, after the core validated it; errors name the component and the path, never a value. */
export function keyplaneConfigJson(component: string, doc: KeyplaneConfigInput): string {
  const r = keyplaneConfigSchema.safeParse(doc);
  if (!r.success) throw new Error(`${component}: invalid configuration: ${formatIssues(r.error)}`);
  return JSON.stringify(doc);
}

/**
 * A key delivery component's `policies`, `bindings` and `defaultPolicy`, validated together with the policy model key
 * delivery enforces; errors name the component.
 */
export function checkDeliveryPolicies(
  component: string,
  p: { policies: ContentKeyPolicyInput[]; bindings?: PolicyBinding[]; defaultPolicy?: string },
): KeyDeliveryPolicies {
  const r = keyDeliveryPoliciesSchema.safeParse({
    policies: p.policies,
    bindings: p.bindings ?? [],
    ...(p.defaultPolicy ? { defaultPolicy: p.defaultPolicy } : {}),
  });
  if (!r.success) throw new Error(`${component}: invalid policies: ${formatIssues(r.error)}`);
  return r.data;
}

/** Token service and verification settings a component passes through to the `delivery` section. */
export interface DeliverySettings {
  tokenIssuer?: {
    issuer?: string;
    audience?: string;
    /** `{ alg: "HS256", keyBase64 }` or `{ alg: "RS256" | "ES256", privateKeyPem }`: a secret. */
    signingKey?: Record<string, unknown>;
  };
  tokenLifetimeSeconds?: number;
  maxTokenLifetimeSeconds?: number;
  clockSkewSeconds?: number;
  policyCacheTtlSeconds?: number;
}

/** The `delivery` section from the component's settings plus what the component itself decides (stores, CORS). */
export function deliverySection(
  settings: DeliverySettings | undefined,
  own: Omit<NonNullable<KeyplaneConfigInput["delivery"]>, keyof DeliverySettings>,
): NonNullable<KeyplaneConfigInput["delivery"]> {
  const s = settings ?? {};
  const pick = <K extends keyof DeliverySettings>(k: K) => (s[k] !== undefined ? { [k]: s[k] } : {});
  return {
    ...pick("tokenIssuer"),
    ...pick("tokenLifetimeSeconds"),
    ...pick("maxTokenLifetimeSeconds"),
    ...pick("clockSkewSeconds"),
    ...pick("policyCacheTtlSeconds"),
    ...own,
  } as NonNullable<KeyplaneConfigInput["delivery"]>;
}

type DeliveryInput = NonNullable<KeyplaneConfigInput["delivery"]>;

/**
 * The token service settings checked with the core's `delivery` schema before the rest of the document is known (its
 * tables are Outputs), so a bad value fails `pulumi preview`; returns them.
 */
export function checkDeliverySettings(component: string, settings: DeliverySettings): DeliverySettings {
  const r = deliveryConfigSchema.safeParse(deliverySection(settings, {}));
  if (!r.success) throw new Error(`${component}: invalid configuration: ${formatIssues(r.error, ["delivery"])}`);
  return settings;
}

/** The `KEYPLANE_CONFIG` of a key-delivery function (KeyDeliveryApi, AzureKeyDelivery), validated with the core's schema. */
export function deliveryDocument(
  component: string,
  p: {
    settings?: DeliverySettings | undefined;
    corsAllowOrigins: string[];
    useCounter: DeliveryInput["useCounter"];
    contentKeyRegistry?: KeyplaneConfigInput["contentKeyRegistry"];
    entitlements?: Record<string, unknown> | undefined;
    license?: Record<string, unknown> | undefined;
  },
): string {
  return keyplaneConfigJson(component, {
    delivery: deliverySection(p.settings, {
      cors: { allowOrigins: p.corsAllowOrigins },
      useCounter: p.useCounter,
      ...(p.entitlements ? { entitlements: p.entitlements as DeliveryInput["entitlements"] } : {}),
    }),
    ...(p.license ? { license: p.license as KeyplaneConfigInput["license"] } : {}),
    ...(p.contentKeyRegistry ? { contentKeyRegistry: p.contentKeyRegistry } : {}),
  });
}
