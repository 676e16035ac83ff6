/**
 * KeyDeliveryApi's arguments and the checks run on them at plan time: CORS origins, throttling, the content key
 * policies (with the same zod schemas key delivery enforces, and against the Lambda environment budget) and the token
 * service settings (with the core's configuration schema).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyBinding } from "../../functions/policy/bindings";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import { checkPlayerOrigins } from "../shared/cors";
import { shown } from "../shared/inputs";
import { checkDeliveryPolicies, checkDeliverySettings, type DeliverySettings } from "../shared/keyplane-config";
import type { ContentKeyRegistryRef } from "./content-key-registry";
import type { ApiCustomDomainArgs } from "./custom-domain";
import type { FunctionSettingsArgs } from "./function";

/** Lambda caps all environment variables at 4 KiB together; keep room for the rest. */
export const MAX_POLICY_ENV_BYTES = 3 * 1024;
/** The Lambda limit on all environment variables together: names and values, 4 KB (Lambda developer guide, quotas). */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4 * 1024;

/**
 * The function's environment, refused at plan time when it would not fit Lambda's 4 KB (AWS would refuse it at
 * deploy time): the message names the variables by size, never their values (they are secrets).
 */
export function checkEnvironmentSize(env: Record<string, string>): Record<string, string> {
  const sizes = Object.entries(env).map(([k, v]) => [k, Buffer.byteLength(k) + Buffer.byteLength(v)] as const);
  const total = sizes.reduce((n, [, b]) => n + b, 0);
  if (total > LAMBDA_ENVIRONMENT_MAX_BYTES) {
    throw new Error(
      `KeyDeliveryApi: the function's environment takes ${total} bytes (${sizes.map(([k, b]) => `${k} ${b}`).join(", ")}); Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES} in all: use fewer or smaller policies (OpenID discovery instead of inline keys), an HS256 signing key instead of a PEM, or a smaller license section`,
    );
  }
  return env;
}

export interface KeyDeliveryApiArgs extends FunctionSettingsArgs {
  /** The seed secret (SpekeKeyServer.keySeedSecretArn): delivery derives the same keys. */
  keySeedSecretArn: pulumi.Input<string>;
  /** The customer KMS key of that secret, if any. */
  keySeedKmsKeyArn?: pulumi.Input<string>;
  /**
   * Content key policies (functions/policy/model.ts). `policies`, `bindings` and `defaultPolicy` are validated together
   * with the policy model (and against the 3 KiB environment budget): at `pulumi preview` when they are plain, else
   * when they resolve (e.g. a verification key from secret config), before the function is updated.
   */
  policies: pulumi.Input<pulumi.Input<ContentKeyPolicyInput>[]>;
  /**
   * Which policy governs which keys: each binding names a policy and the KIDs and/or content ids (the content ids
   * SPEKE recorded, which needs `contentKeyRegistry`) it governs. Viewer input never chooses a policy.
   */
  bindings?: pulumi.Input<pulumi.Input<PolicyBinding>[]>;
  /** The policy for keys no binding names. Absent: such keys are refused (404). */
  defaultPolicy?: pulumi.Input<string>;
  /**
   * The content key registry (`SpekeKeyServer.contentKeyRegistry`, or a `ContentKeyRegistryTable`), read with
   * GetItem only. Required when a binding names content ids: that is how delivery learns which content a KID is.
   */
  contentKeyRegistry?: ContentKeyRegistryRef;
  /** Browser origins allowed to call the API (https://… or http://localhost). `*` is refused. */
  corsAllowOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The API stage's default route throttling: `burstLimit` 1..5000 requests (default 200) and `rateLimit` requests per
   * second, above 0 and at most 10,000 (default 100).
   */
  throttle?: { burstLimit?: pulumi.Input<number>; rateLimit?: pulumi.Input<number> };
  /** Token service and verification knobs (functions/delivery/config.ts), passed in the `delivery` section. */
  delivery?: pulumi.Input<KeyDeliveryKnobs>;
  /** License proxy configuration (`KEYPLANE_CONFIG.license`, functions/license/config.ts); kept secret in state. */
  license?: pulumi.Input<Record<string, unknown>>;
  /**
   * Existing or create, for the maxuses / replay counter table. Default: a new DynamoDB table (hash key `pk`, TTL on
   * `expiresAt`, PITR, encrypted). `{ existing: { tableName, tableArn } }`: create none; the function may UpdateItem on
   * that table, which must have hash key `pk` (S) and TTL on `expiresAt`.
   */
  useCounterTable?: { existing: { tableName: pulumi.Input<string>; tableArn: pulumi.Input<string> } };
  /**
   * Serve the API on your own host name: a REGIONAL API Gateway domain (TLS 1.2) with the `$default` stage mapped at
   * the root; every URL output then uses `https://<domainName>`. With `hostedZoneId`, a Route 53 alias record too.
   */
  customDomain?: ApiCustomDomainArgs;
  /**
   * Refused: AWS WAF cannot be associated with API Gateway HTTP APIs (only REST APIs; AWS WAF API Reference). Put a
   * CloudFront distribution with your web ACL in front of `url` (or of the custom domain) instead.
   */
  webAclArn?: never;
  /** KMS key for the function's environment (where the policies live). */
  environmentKmsKeyArn?: pulumi.Input<string>;
  /** Memory of the delivery function in MB (default 512; Lambda allots CPU in proportion). */
  memorySize?: number;
  /** SNS topic ARNs notified by the API's 5xx and 4xx alarms. */
  alarmActions?: pulumi.Input<string>[];
}

export type KeyDeliveryKnobs = DeliverySettings;

/** The plain (resolved) settings `validateKeyDeliveryArgs` checks. */
export interface KeyDeliverySettings {
  keySeedSecretArn?: unknown;
  policies: ContentKeyPolicyInput[];
  bindings?: PolicyBinding[];
  defaultPolicy?: string;
  contentKeyRegistry?: unknown;
  corsAllowOrigins: string[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  delivery?: KeyDeliveryKnobs;
}

export function checkCorsOrigins(origins: string[]): string[] {
  return checkPlayerOrigins("KeyDeliveryApi", origins);
}

export function checkBurst(b: number): number {
  if (!Number.isInteger(b) || b < 1 || b > 5000)
    throw new Error(`KeyDeliveryApi: throttle.burstLimit must be 1..5000 (got ${shown(b)})`);
  return b;
}
export function checkRate(r: number): number {
  if (!(r > 0) || r > 10000)
    throw new Error(`KeyDeliveryApi: throttle.rateLimit must be > 0 and ≤ 10000 (got ${shown(r)})`);
  return r;
}

/** Policies, bindings and default policy, validated with the policy model; returns the JSON the function reads. */
export function checkPolicies(
  p: { policies: ContentKeyPolicyInput[]; bindings?: PolicyBinding[]; defaultPolicy?: string },
  hasRegistry: boolean,
): string {
  const policies = checkDeliveryPolicies("KeyDeliveryApi", p);
  const contentIds = policies.bindings.flatMap((b) => b.contentIds ?? []);
  if (contentIds.length > 0 && !hasRegistry) {
    throw new Error(
      `KeyDeliveryApi: bindings name content ids (${contentIds
        .slice(0, 3)
        .map((c) => JSON.stringify(c))
        .join(
          ", ",
        )}${contentIds.length > 3 ? ", …" : ""}) but contentKeyRegistry is not set: key delivery learns which content a KID belongs to only from the registry SPEKE writes (pass SpekeKeyServer.contentKeyRegistry)`,
    );
  }
  const json = JSON.stringify(policies);
  if (Buffer.byteLength(json) > MAX_POLICY_ENV_BYTES) {
    throw new Error(
      `KeyDeliveryApi: the policies take ${Buffer.byteLength(json)} bytes as JSON; Lambda environments hold 4 KiB in all, so keep them under ${MAX_POLICY_ENV_BYTES} bytes (use OpenID discovery or fewer keys)`,
    );
  }
  return json;
}

/** Token service knobs, validated with the core's `delivery` schema on their own; returns them. */
export function checkDeliveryKnobs(k: KeyDeliveryKnobs): KeyDeliveryKnobs {
  return checkDeliverySettings("KeyDeliveryApi", k ?? {});
}

/** All plan-time checks on plain settings (the component runs the same checks per argument, on Inputs). */
export function validateKeyDeliveryArgs(args: KeyDeliverySettings): string {
  if (!args) throw new Error("KeyDeliveryApi: args are required");
  if (!args.keySeedSecretArn) throw new Error("KeyDeliveryApi: keySeedSecretArn is required");
  checkCorsOrigins(args.corsAllowOrigins);
  const t = args.throttle ?? {};
  if (t.burstLimit !== undefined) checkBurst(t.burstLimit);
  if (t.rateLimit !== undefined) checkRate(t.rateLimit);
  const json = checkPolicies(args, !!args.contentKeyRegistry);
  checkDeliveryKnobs(args.delivery ?? {});
  return json;
}
