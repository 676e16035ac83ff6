/** Wraps a bundled function in the Pulumi archive a Lambda function deploys (`index.js`, handler `index.handler`). */
import * as pulumi from "@pulumi/pulumi";
import { bundleFunction, type BundleOptions } from "./bundle";

export const LAMBDA_HANDLER = "index.handler";

export function functionArchive(entry: string, opts: BundleOptions = {}): pulumi.asset.AssetArchive {
  const { code } = bundleFunction(entry, opts);
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(code) });
}
