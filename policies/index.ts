/**
 * The Keyplane content-protection policy pack. `pulumi preview --policy-pack policies` runs this file through the
 * Pulumi CLI's policy host, which is when the pack is constructed (and starts serving). Imported anywhere else (tests,
 * the offline review) it only exports the rules.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policyPackArgs } from "./pack";

export * from "./rules";
export { PACK_NAME, policyPackArgs, toPolicy } from "./pack";

/** True when loaded by the Pulumi CLI's policy pack runner (`@pulumi/pulumi/cmd/run-policy-pack`). */
export function runByPulumiCli(argv: readonly string[] = process.argv): boolean {
  return /run-policy-pack/.test(argv[1] ?? "") || process.env.KEYPLANE_SERVE_POLICY_PACK === "1";
}

if (runByPulumiCli()) {
  new PolicyPack(PACK_NAME, policyPackArgs());
}
