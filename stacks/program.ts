/**
 * The Keyplane stack program: reads and validates `keyplane:*` config, then builds one of the reference compositions.
 * `stacks/index.ts` runs it under the Pulumi CLI; `npm run review` runs it on the mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { KeyplaneError } from "keyplane/core";
import type * as AwsLive from "./compositions/aws-live";
import type * as AwsVendor from "./compositions/aws-vendor";
import type * as AzureVod from "./compositions/azure-vod";
import { parseStackSettings, rawSettingsFromConfig, type StackSettings } from "./config";
import { buildContentKeyPolicy } from "./policy";
import { SECRET_PLACEHOLDER } from "keyplane/review";
import type { VendorCredential } from "keyplane/core";

/** Compositions are loaded on demand so an AWS-only stack never loads the Azure SDK (and vice versa). */
function load<T>(path: string): T {
  return require(path) as T;
}

export function readSettings(project = pulumi.getProject()): StackSettings {
  try {
    return parseStackSettings(rawSettingsFromConfig(pulumi.runtime.allConfig(), project), project);
  } catch (e) {
    if (e instanceof KeyplaneError)
      throw new KeyplaneError(
        e.code,
        `invalid stack configuration:\n  ${e.message.split("\n").join("\n  ")}`,
        e.detail ? { detail: e.detail } : {},
      );
    throw e;
  }
}

export async function keyplaneProgram(): Promise<Record<string, unknown>> {
  const project = pulumi.getProject();
  const settings = readSettings(project);
  const cfg = new pulumi.Config(project);
  const name = `${project}-${settings.environment}`;
  const tags = {
    "keyplane:environment": settings.environment,
    "keyplane:composition": settings.composition,
    ...settings.tags,
  };
  const keySeed = cfg.getSecret("keySeed");
  // A symmetric token key (only when no OpenID Connect discovery is configured) is enforced by key delivery, which
  // keeps the policy in its (secret-in-state) environment; AMS gets it wrapped as a secret by the component.
  const cp = settings.contentProtection;
  const tokenKey =
    cp.restriction === "token" && !cp.openIdConnectDiscoveryDocument
      ? pulumi.runtime.getConfig(`${project}:tokenKey`)
      : undefined;
  if (cp.restriction === "token" && !cp.openIdConnectDiscoveryDocument && !tokenKey) {
    throw new KeyplaneError(
      "stack_config_invalid",
      `invalid stack configuration:\n  ${project}:tokenKey: is required (secret, base64 >= 32 bytes) unless ${project}:contentProtection.openIdConnectDiscoveryDocument is set`,
    );
  }
  const policy = buildContentKeyPolicy(cp, tokenKey);
  const needsSeed = settings.composition === "azure-vod" || settings.composition === "multi-cloud";
  if (needsSeed && !keySeed) {
    throw new KeyplaneError(
      "stack_config_invalid",
      `invalid stack configuration:\n  ${project}:keySeed: is required for composition ${settings.composition} (pulumi config set --secret keySeed <base64 of >= 30 bytes>)`,
    );
  }

  // The SPEKE content key encryption private key: a Pulumi secret, never part of the parsed settings.
  const spekePrivateKey = cfg.getSecret("spekePrivateKey");
  if (settings.aws?.spekeCertificate && !spekePrivateKey) {
    throw new KeyplaneError(
      "stack_config_invalid",
      `invalid stack configuration:\n  ${project}:spekePrivateKey: is required with ${project}:aws.spekeCertificate (pulumi config set --secret spekePrivateKey < key.pem)`,
    );
  }
  // The offline review cannot decrypt `secure:` values: its placeholder cannot match the certificate, so only the
  // certificate itself is checked there (RSA 2048, expiry, policy pack); `pulumi preview` and ACM check the key.
  const checkPrivateKey = pulumi.runtime.getConfig(`${project}:spekePrivateKey`) !== SECRET_PLACEHOLDER;
  const certInputs = spekePrivateKey ? { spekePrivateKey, checkPrivateKey } : {};

  const outputs: Record<string, unknown> = { environment: settings.environment, composition: settings.composition };
  if ((settings.composition === "aws-live" || settings.composition === "multi-cloud") && settings.aws) {
    const { awsLive } = load<typeof AwsLive>("./compositions/aws-live");
    outputs.aws = awsLive(name, { aws: settings.aws, policy, tags, ...(keySeed ? { keySeed } : {}), ...certInputs });
  }
  if (settings.composition === "aws-vendor" && settings.aws) {
    const { awsVendor } = load<typeof AwsVendor>("./compositions/aws-vendor");
    const credential = cfg.requireSecretObject<VendorCredential>("vendorCredential");
    outputs.aws = awsVendor(name, { aws: settings.aws, credential, tags, ...certInputs });
  }
  if ((settings.composition === "azure-vod" || settings.composition === "multi-cloud") && settings.azure && keySeed) {
    const { azureVod } = load<typeof AzureVod>("./compositions/azure-vod");
    outputs.azure = azureVod(name, { azure: settings.azure, keySeed, policy, contentProtection: cp });
  }
  return outputs;
}
export default keyplaneProgram;
