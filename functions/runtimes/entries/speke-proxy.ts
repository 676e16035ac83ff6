/**
 * Lambda entry for the vendor SPEKE proxy (bundled by components/aws with esbuild). Configuration: the `spekeProxy`
 * section (vendorUrl, preset, header names) of `KEYPLANE_CONFIG`; the credential from Secrets Manager
 * `VENDOR_CREDENTIAL_SECRET_ARN`, read at run time and cached for five minutes.
 */
import { createSpekeProxyFromEnv } from "../../speke-proxy/app";
import { lambdaHandler } from "../lambda";

export const handler = lambdaHandler(createSpekeProxyFromEnv(process.env));
