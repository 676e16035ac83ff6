// A Pulumi program outside the Keyplane repository, as a platform team writes it (README: "Use Keyplane in your own
// Pulumi program"). test/package/consumer.test.ts installs the packed tarball next to it and runs it under mocks.
import type * as pulumi from "@pulumi/pulumi";
import { KeyDeliveryApi, SpekeKeyServer } from "keyplane/aws";
import { CONTENT_KEY_IDENTIFIER_CLAIM, parseContentKeyPolicy, type ContentKeyPolicyInput } from "keyplane/policy";

const premium: ContentKeyPolicyInput = {
  name: "premium",
  options: [
    {
      name: "clearkey-jwt",
      configuration: { type: "ClearKey" },
      restriction: {
        type: "Token",
        tokenType: "Jwt",
        issuer: "https://login.example.com/",
        audience: "urn:example:player",
        openIdConnectDiscoveryDocument: "https://login.example.com/.well-known/openid-configuration",
        requiredClaims: [{ claimType: CONTENT_KEY_IDENTIFIER_CLAIM }],
      },
    },
  ],
};
parseContentKeyPolicy(premium); // fails the preview with the offending field if the policy is invalid

// SPEKE key server for MediaPackage / MediaConvert: Lambda behind an AWS_IAM REST API, the key seed in Secrets Manager.
const keys = new SpekeKeyServer("keys", {
  speke: { publicBaseUrl: "https://keys.example.com" },
});

// Token service + ClearKey / HLS key delivery deriving the same keys from the same seed.
const delivery = new KeyDeliveryApi("delivery", {
  keySeedSecretArn: keys.keySeedSecretArn,
  contentKeyRegistry: keys.contentKeyRegistry,
  policies: [premium],
  defaultPolicy: "premium",
  corsAllowOrigins: ["https://player.example.com"],
});

export const spekeUrl: pulumi.Output<string> = keys.url;
export const packagerRoleArn = keys.packagerRoleArn;
export const clearKeyLicenseUrl = delivery.clearKeyLicenseUrl;
