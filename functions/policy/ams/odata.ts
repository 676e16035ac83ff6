/**
 * The `@odata.type` discriminators of the AMS v3 ARM ContentKeyPolicy model (Microsoft.Media, api-version 2018-07-01
 * through 2023-01-01), as spelled in the ARM REST reference and in `@pulumi/azure-native` 2.x `media` input types.
 */
export const ODATA = {
  clearKeyConfiguration: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration",
  playReadyConfiguration: "#Microsoft.Media.ContentKeyPolicyPlayReadyConfiguration",
  widevineConfiguration: "#Microsoft.Media.ContentKeyPolicyWidevineConfiguration",
  fairPlayConfiguration: "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration",
  openRestriction: "#Microsoft.Media.ContentKeyPolicyOpenRestriction",
  tokenRestriction: "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
  symmetricTokenKey: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey",
  rsaTokenKey: "#Microsoft.Media.ContentKeyPolicyRsaTokenKey",
  x509CertificateTokenKey: "#Microsoft.Media.ContentKeyPolicyX509CertificateTokenKey",
  playReadyKeyFromHeader: "#Microsoft.Media.ContentKeyPolicyPlayReadyContentEncryptionKeyFromHeader",
  playReadyKeyFromKeyIdentifier: "#Microsoft.Media.ContentKeyPolicyPlayReadyContentEncryptionKeyFromKeyIdentifier",
} as const;

export type ODataType = (typeof ODATA)[keyof typeof ODATA];
/** REST/ARM JSON spells the discriminator `@odata.type`; Pulumi's azure-native inputs spell it `odataType`. */
export const ODATA_KEY = "@odata.type";
