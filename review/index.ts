/**
 * `keyplane/review`: the offline review as a library. `keyplane review` (bin/keyplane.js) and `npm run review`
 * (stacks/review.ts) call `main`; `review` returns the result for other reporters; `recordProgram` runs any Pulumi
 * program on the mock runtime and returns what it registered. The rules come from the policy pack (`keyplane/policy-pack`).
 */
export { CONFIG_SECRETS_RULE, main, parseArgs, review, USAGE, type ReviewOptions } from "./run";
export { readPulumiProject, type PulumiProject } from "./project";
export {
  containsSecret,
  plainInputs,
  recordProgram,
  type RecordedResource,
  type Recording,
  type RecordOptions,
} from "./record";
export {
  renderJson,
  renderMarkdown,
  renderText,
  summarize,
  type AppliedRule,
  type ReviewFiles,
  type ReviewResult,
} from "./report";
export { renderSarif, sarifLevel, SARIF_SCHEMA, SARIF_VERSION, toSarif } from "./sarif";
export { loadStackConfig, parseStackConfig, SECRET_PLACEHOLDER, type StackConfig } from "./stack-config";
