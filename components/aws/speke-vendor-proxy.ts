/**
 * SpekeVendorProxy: the same AWS_IAM SPEKE front door as SpekeKeyServer, forwarding to a DRM vendor's SPEKE/CPIX URL
 * with the vendor credential added as the vendor documents it (presets and their sources: functions/speke-proxy/presets.ts):
 * a request header (Axinom `Authorization: Basic …`; KeyOS / generic: the header you name) or query parameters
 * (EZDRM `u` / `p`).
 *
 * - `mode: "function"` (default): a small Lambda (functions/speke-proxy) reads the credential from Secrets Manager at
 *   run time. The credential is in Secrets Manager and (as a secret) in Pulumi state, nowhere else.
 * - `mode: "integration"`: the plain API Gateway HTTP_PROXY integration with static request parameter mappings
 *   (`integration.request.header.<name>`, or `integration.request.querystring.u` / `.p` for EZDRM), as vendors document
 *   it. The credential then sits in the API definition (visible to anyone with apigateway:GET). Allowed, but the REST
 *   API is tagged `keyplane:credential-in-api-definition=true` and the policy pack flags it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertVendorUrl } from "../../functions/speke-proxy/proxy";
import {
  assertNoCredentialInUrl,
  credentialTransport,
  vendorRequestParams,
  type VendorCredential,
  type VendorPreset,
  VENDOR_PRESETS,
} from "../../functions/speke-proxy/presets";
import {
  createBundledFunction,
  DEFAULT_LOG_RETENTION_DAYS,
  validateCommon,
  type FunctionSettingsArgs,
} from "./function";
import { allowOn, kmsDecryptViaSecretsManager, type PolicyStatement } from "./iam";
import { checkInput, shown } from "../shared/inputs";
import type { CustomDomainTarget } from "./custom-domain";
import { createSpekeFrontDoor, frontDoorOptions, type SpekeFrontDoorOptions } from "./speke-front-door";
import { keyplaneConfigJson } from "../shared/keyplane-config";

export const SPEKE_PROXY_ENTRY = "functions/runtimes/entries/speke-proxy.ts";
/** Tag the policy pack reads: the vendor credential is stored in the API Gateway integration. */
export const CREDENTIAL_IN_API_TAG = "keyplane:credential-in-api-definition";

export interface SpekeVendorArgs {
  /** A plain value (not an Input): it decides the credential's shape and how it travels. */
  preset: VendorPreset;
  /** The vendor's SPEKE endpoint (https). Never put credentials in it (EZDRM: no `u` / `p` parameters). */
  url: pulumi.Input<string>;
  /** Credential header name: required for `keyos` and `generic` (no public default); for `ezdrm` switches from the
   * documented `u` / `p` query parameters to the (unverified) header variant carrying `key`. */
  headerName?: pulumi.Input<string>;
  /** KeyOS: the header asking KeyOS to override KIDs (required with `kidOverrideValue`; there is no public default). */
  kidOverrideHeaderName?: pulumi.Input<string>;
  /** KeyOS: the value of `kidOverrideHeaderName`. */
  kidOverrideValue?: pulumi.Input<string>;
  /** Upstream timeout for the proxy function (ms, 100..29000). */
  timeoutMs?: pulumi.Input<number>;
}

export interface SpekeVendorProxyArgs extends SpekeFrontDoorOptions, FunctionSettingsArgs {
  /** The vendor's SPEKE endpoint and how to call it. */
  vendor: SpekeVendorArgs;
  /** The vendor credential: `{ username, password }` (EZDRM), `{ tenantId, managementKey }` (Axinom), `{ key }` (KeyOS,
   * generic, EZDRM header variant). Must be a Pulumi secret. */
  credential: pulumi.Input<VendorCredential>;
  /** A plain value: it decides which children exist (a proxy function and secret, or none). */
  mode?: "function" | "integration";
  /** Customer managed KMS key of the credential secret. Default: the AWS managed key. */
  kmsKeyArn?: pulumi.Input<string>;
  /** API Gateway stage name. Default `v1`. */
  stageName?: pulumi.Input<string>;
}

type ResolvedVendor = pulumi.Unwrap<SpekeVendorArgs>;

/** Checks the vendor settings (resolved): https URL without credentials, the headers the preset needs. */
export function checkVendor(v: ResolvedVendor): ResolvedVendor {
  try {
    const url = assertVendorUrl(v.url);
    credentialTransport(v);
    assertNoCredentialInUrl(url, v);
  } catch (e) {
    throw new Error(`SpekeVendorProxy: vendor.url ${shown(v.url)}: ${(e as Error).message}`);
  }
  if (v.timeoutMs !== undefined && (!Number.isInteger(v.timeoutMs) || v.timeoutMs < 100 || v.timeoutMs > 29_000))
    throw new Error(`SpekeVendorProxy: vendor.timeoutMs must be 100..29000 (got ${shown(v.timeoutMs)})`);
  return v;
}

function headerConfig(v: ResolvedVendor) {
  return {
    preset: v.preset,
    ...(v.headerName ? { headerName: v.headerName } : {}),
    ...(v.kidOverrideHeaderName ? { kidOverrideHeaderName: v.kidOverrideHeaderName } : {}),
    ...(v.kidOverrideValue ? { kidOverrideValue: v.kidOverrideValue } : {}),
  };
}

export class SpekeVendorProxy extends pulumi.ComponentResource {
  /** `https://…/v1/speke` (`https://<customDomain>/speke` with a custom domain). */
  readonly url: pulumi.Output<string>;
  /** Alias target for your DNS record when `customDomain` is set without `hostedZoneId`. */
  readonly customDomainTarget: pulumi.Output<CustomDomainTarget | undefined>;
  /** The role the packagers assume: created, or `packagerRole.existing.arn`. */
  readonly packagerRoleArn: pulumi.Output<string>;
  /** The Secrets Manager secret holding the credential (function mode only). */
  readonly credentialSecretArn: pulumi.Output<string | undefined>;
  readonly functionName: pulumi.Output<string | undefined>;
  readonly restApiId: pulumi.Output<string>;
  /** Size of the deployed proxy bundle (bytes); 0 in integration mode. */
  readonly bundleSizeBytes: number = 0;

  constructor(name: string, args: SpekeVendorProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:SpekeVendorProxy", name, {}, opts);
    validateCommon("SpekeVendorProxy", args);
    const v = args.vendor;
    if (!v || !VENDOR_PRESETS.includes(v.preset))
      throw new Error(
        `SpekeVendorProxy: vendor.preset must be one of ${VENDOR_PRESETS.join(", ")} (got ${shown(v?.preset)})`,
      );
    if (!v.url) throw new Error("SpekeVendorProxy: vendor.url is required");
    const vendor = checkInput(v, checkVendor) as pulumi.Output<ResolvedVendor>;
    const mode = args.mode ?? "function";
    if (mode !== "function" && mode !== "integration")
      throw new Error(`SpekeVendorProxy: mode must be "function" or "integration"`);
    if (args.credential === undefined || args.credential === null)
      throw new Error("SpekeVendorProxy: credential is required");
    if (!pulumi.Output.isInstance(args.credential)) {
      throw new Error(
        "SpekeVendorProxy: credential must be a Pulumi secret (pulumi.secret({...}) or config.requireSecretObject)",
      );
    }
    const parent = this;
    const opt = { parent };
    const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    const stageName = args.stageName ?? "v1";
    const credential = pulumi.secret(args.credential);
    const common = {
      component: "SpekeVendorProxy",
      description: vendor.apply((r) => `Keyplane SPEKE proxy to ${r.preset} (${new URL(r.url).host})`),
      stageName,
      logRetentionDays,
      ...frontDoorOptions(args),
    };

    if (mode === "function") {
      const secret = new aws.secretsmanager.Secret(
        `${name}-vendor-credential`,
        {
          description: `Keyplane: ${v.preset} SPEKE credential, read by the proxy function at run time`,
          recoveryWindowInDays: 30,
          ...(args.kmsKeyArn ? { kmsKeyId: args.kmsKeyArn } : {}),
          tags: args.tags,
        },
        opt,
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-vendor-credential`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(
            pulumi.all([credential, vendor]).apply(([c, r]) => {
              vendorRequestParams(headerConfig(r), c); // fails the update early if the credential lacks a field the preset needs
              return JSON.stringify(c);
            }),
          ),
        },
        { ...opt, additionalSecretOutputs: ["secretString"] },
      );
      const statements: pulumi.Input<PolicyStatement>[] = [
        allowOn("ReadVendorCredentialOnly", "secretsmanager:GetSecretValue", secret.arn),
      ];
      if (args.kmsKeyArn) {
        const region = aws.getRegionOutput({}, opt);
        statements.push(kmsDecryptViaSecretsManager("DecryptViaSecretsManager", args.kmsKeyArn, region.region));
      }
      const { fn, bundleSizeBytes } = createBundledFunction(
        `${name}-proxy`,
        {
          entry: SPEKE_PROXY_ENTRY,
          description: `Keyplane SPEKE proxy to ${v.preset}`,
          environment: {
            VENDOR_CREDENTIAL_SECRET_ARN: secret.arn,
            KEYPLANE_CONFIG: vendor.apply((r) =>
              keyplaneConfigJson("SpekeVendorProxy", {
                spekeProxy: {
                  vendorUrl: r.url,
                  ...headerConfig(r),
                  ...(r.timeoutMs ? { timeoutMs: r.timeoutMs } : {}),
                },
              }),
            ),
          },
          statements,
          memorySize: 256,
          timeout: vendor.apply((r) => Math.ceil((r.timeoutMs ?? 10_000) / 1000) + 3),
          logRetentionDays,
          ...(args.runtime ? { runtime: args.runtime } : {}),
          ...(args.tags ? { tags: args.tags } : {}),
        },
        parent,
      );
      this.bundleSizeBytes = bundleSizeBytes;
      const door = createSpekeFrontDoor(name, { backend: { kind: "lambda", fn }, ...common }, parent);
      this.url = door.url;
      this.customDomainTarget = door.customDomainTarget;
      this.packagerRoleArn = door.packagerRoleArn;
      this.credentialSecretArn = secret.arn;
      this.functionName = fn.name;
      this.restApiId = door.api.id;
    } else {
      const requestParameters = pulumi.secret(
        pulumi.all([credential, vendor]).apply(([c, r]) => {
          const params = vendorRequestParams(headerConfig(r), c);
          const out: Record<string, string> = {};
          const put = (where: "header" | "querystring", name: string, val: string) => {
            // The message names the mapping, never the value.
            if (val.includes("'"))
              throw new Error(
                `SpekeVendorProxy: the ${where} ${name} value cannot contain a single quote in integration mode`,
              );
            out[`integration.request.${where}.${name}`] = `'${val}'`;
          };
          for (const [h, val] of Object.entries(params.headers)) put("header", h, val);
          for (const [q, val] of Object.entries(params.query)) put("querystring", q, val);
          // HTTP_PROXY passes the packager's own headers (Content-Type, X-Speke-Version) through unchanged.
          return out;
        }),
      );
      const door = createSpekeFrontDoor(
        name,
        {
          backend: { kind: "http", url: vendor.apply((r) => r.url), requestParameters },
          ...common,
          apiTags: { [CREDENTIAL_IN_API_TAG]: "true" },
        },
        parent,
      );
      this.url = door.url;
      this.customDomainTarget = door.customDomainTarget;
      this.packagerRoleArn = door.packagerRoleArn;
      this.credentialSecretArn = pulumi.output(undefined);
      this.functionName = pulumi.output(undefined);
      this.restApiId = door.api.id;
    }
    this.registerOutputs({
      url: this.url,
      customDomainTarget: this.customDomainTarget,
      packagerRoleArn: this.packagerRoleArn,
      credentialSecretArn: this.credentialSecretArn,
      functionName: this.functionName,
      restApiId: this.restApiId,
    });
  }
}
