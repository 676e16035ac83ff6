export * from "./speke-key-server";
export * from "./speke-vendor-proxy";
export * from "./speke-certificate";
export * from "./certificate-check";
export * from "./mediapackage-encryption";
export * from "./mediapackage-v2-origin";
export * from "./mediapackage-v1-origin";
export type { MediaPackageSpekeEncryptionArgs, MediaPackageSpekeProviderArgs } from "./mediapackage-speke-args";
export * from "./key-delivery-api";
export * from "./content-key-registry";
export { PACKAGER_SERVICES, type PolicyDocument, type PolicyStatement } from "./iam";
export { DEFAULT_RUNTIME, DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS, type NodeRuntime } from "./function";
export * from "./mediapackage-v2-options";
export {
  CDN_IDENTIFIER_HEADER,
  CDN_IDENTIFIER_SECRET_KEY,
  type Mp2AccessArgs,
  type Mp2CdnAuthArgs,
} from "./mediapackage-access";
