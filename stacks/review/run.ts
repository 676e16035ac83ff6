/**
 * `npm run review -- --stack <name>`: run the stack program offline on the mock runtime with the stack's config, apply
 * the content-protection rules, print a table and the violations, optionally write Markdown and JSON.
 * Exit status: 0 passed (advisory findings allowed), 1 mandatory violations, 2 the review could not run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { isKeyplaneError, KeyplaneError } from "../../functions/errors";
import { evaluate, parsePackConfig, rules, type Finding } from "../../policies/rules";
import { recordProgram } from "./record";
import { renderJson, renderMarkdown, renderText, summarize, type ReviewResult } from "./report";
import { loadStackConfig, readProjectName } from "./stack-config";

export interface ReviewOptions {
  stack: string;
  /** Repository root holding Pulumi.yaml and Pulumi.<stack>.yaml. */
  root: string;
  configFile?: string;
  program?: string;
  policyConfigFile?: string;
  environment?: string;
  json?: string;
  markdown?: string;
}

export const USAGE = `usage: npm run review -- --stack <name> [--config Pulumi.<name>.yaml] [--program stacks/program.ts]
                        [--policy-config policy.json] [--environment <env>] [--json out.json] [--markdown out.md]`;

const STACK_RE = /^[A-Za-z0-9_.-]{1,100}$/;

export function parseArgs(argv: readonly string[], root: string): ReviewOptions {
  const opts: Partial<ReviewOptions> = { root };
  const flags: Record<string, keyof ReviewOptions> = { "--stack": "stack", "--config": "configFile", "--program": "program", "--policy-config": "policyConfigFile", "--environment": "environment", "--json": "json", "--markdown": "markdown" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const key = flags[flag];
    if (!key) throw new KeyplaneError("usage", `unknown argument ${a}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") throw new KeyplaneError("usage", `${flag} needs a value\n${USAGE}`);
    (opts as Record<string, string>)[key] = value;
  }
  if (!opts.stack) throw new KeyplaneError("usage", `--stack is required\n${USAGE}`);
  if (!STACK_RE.test(opts.stack)) throw new KeyplaneError("usage", `--stack "${opts.stack}": letters, digits, - _ . only`);
  return opts as ReviewOptions;
}

/** User-supplied paths are relative to the working directory (the repository root under `npm run`). */
const abs = (p: string) => (isAbsolute(p) ? p : resolve(process.cwd(), p));

/** Load and run a program module: its default export / module.exports may be a function or a promise of outputs. */
async function runProgramModule(file: string): Promise<unknown> {
  // A fresh load each time, so a program that registers resources at import time runs again in the same process.
  delete require.cache[require.resolve(file)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as unknown;
  const main = (mod as { default?: unknown })?.default ?? mod;
  if (typeof main === "function") return await (main as () => unknown)();
  return await main;
}

export async function review(opts: ReviewOptions): Promise<ReviewResult> {
  const project = readProjectName(join(opts.root, "Pulumi.yaml"));
  const configFile = opts.configFile ? abs(opts.configFile) : join(opts.root, `Pulumi.${opts.stack}.yaml`);
  const stackConfig = loadStackConfig(configFile, project);
  let packConfig = {};
  if (opts.policyConfigFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(abs(opts.policyConfigFile), "utf8"));
    } catch (e) {
      throw new KeyplaneError("policy_config_invalid", `${opts.policyConfigFile}: ${(e as Error).message}`);
    }
    packConfig = parsePackConfig(parsed);
  }
  const environment = opts.environment ?? stackConfig.values[`${project}:environment`] ?? opts.stack;
  const programFile = opts.program ? abs(opts.program) : join(opts.root, "stacks/program.ts");
  const recording = await recordProgram(() => runProgramModule(programFile), { project, stack: opts.stack, config: stackConfig.values, secretKeys: stackConfig.secretKeys });
  const findings: Finding[] = evaluate(recording.resources, packConfig, { environment });
  // Review-only check on the stack file itself: secret-looking settings must be Pulumi secrets (`pulumi config set --secret`).
  for (const key of stackConfig.plainSecretLookingKeys) {
    findings.push({
      rule: "keyplane-config-secrets-encrypted",
      enforcementLevel: "mandatory",
      message: `${key} is stored in plain text in ${configFile.split("/").pop()}; set it with \`pulumi config set --secret\``,
      path: key,
      resource: { type: "pulumi:config", name: key },
    });
  }
  return { project, stack: opts.stack, environment, resources: recording.resources, findings, rulesApplied: [...rules.map((r) => r.name), "keyplane-config-secrets-encrypted"] };
}

export async function main(argv: readonly string[], root: string, out: (s: string) => void = (s) => process.stdout.write(s + "\n"), err: (s: string) => void = (s) => process.stderr.write(s + "\n")): Promise<number> {
  try {
    const opts = parseArgs(argv, root);
    const result = await review(opts);
    out(renderText(result));
    if (opts.markdown) writeFileSync(abs(opts.markdown), renderMarkdown(result));
    if (opts.json) writeFileSync(abs(opts.json), renderJson(result));
    return summarize(result).passed ? 0 : 1;
  } catch (e) {
    if (isKeyplaneError(e)) err(`review error [${e.code}]: ${e.message}`);
    else err(`review error: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
