/**
 * `keyplane/policy-pack`: the content-protection rules (plain functions over a resource's inputs) and their wiring as
 * `@pulumi/policy` resource validation policies. Importing this module has no side effect: it starts no policy pack
 * server. The loadable pack folder (policy-pack/pulumi: PulumiPolicy.yaml, package.json, index.js) constructs the
 * `PolicyPack` from `PACK_NAME` and `policyPackArgs()`; the offline review (`keyplane review`) runs the same rules.
 *
 * Not to be confused with content key policies (who may get a key, `functions/policy/`).
 */
export * from "./rules";
export { PACK_NAME, policyPackArgs, toPolicy } from "./pack";
