/**
 * `keyplane review --stack <name>` (in a Pulumi project folder) and `npm run review -- --stack <name>` (this
 * repository): read the project's Pulumi.yaml and its `Pulumi.<stack>.yaml`, run the project's program offline on the
 * mock runtime with that config, apply the content-protection rules, print a table and the violations, optionally
 * write Markdown, JSON and SARIF 2.1.0.
 * Exit status: 0 passed (advisory findings allowed), 1 mandatory violations, 2 the review could not run.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { isKeyplaneError, KeyplaneError } from "../functions/errors";
import { evaluate, parsePackConfig, ruleConfigFor, rules, type Finding, type PackConfig } from "../policy-pack";
import { readPulumiProject } from "./project";
import { recordProgram } from "./record";
import { renderJson, renderMarkdown, renderText, summarize, type AppliedRule, type ReviewResult } from "./report";
import { renderSarif } from "./sarif";
import { loadStackConfig } from "./stack-config";

export interface ReviewOptions {
  /** The stack to review: its config is read from `Pulumi.<stack>.yaml`. */
  stack: string;
  /** The Pulumi project folder (holding Pulumi.yaml); `--cwd` overrides it. */
  root: string;
  /** The stack config file (`--config`). Default: `Pulumi.<stack>.yaml` beside Pulumi.yaml. */
  configFile?: string;
  /** The program to run (`--program`). Default: Pulumi.yaml's `main`, else the project's package.json `main`. */
  program?: string;
  /** The policy pack's configuration, JSON (`--policy-config`): enforcement levels and rule settings. */
  policyConfigFile?: string;
  /** The environment the rules judge (`--environment`). Default: the stack's `<project>:environment`, else its name. */
  environment?: string;
  /** Write the result as JSON to this file (`--json`). */
  json?: string;
  /** Write the result as Markdown (a pull request comment) to this file (`--markdown`). */
  markdown?: string;
  /** Write the findings as SARIF 2.1.0 (code scanning) to this file (`--sarif`). */
  sarif?: string;
}

export const USAGE = `usage: keyplane review --stack <name> [--cwd <project folder>] [--config Pulumi.<name>.yaml]
                       [--program <entry>] [--policy-config policy.json] [--environment <env>]
                       [--markdown out.md] [--json out.json] [--sarif out.sarif]
       (in this repository: npm run review -- --stack <name> [...])`;

const STACK_RE = /^[A-Za-z0-9_.-]{1,100}$/;

/** The arguments of `keyplane review` and `npm run review` (one parser for both). */
export function parseArgs(argv: readonly string[], root: string): ReviewOptions {
  const opts: Partial<ReviewOptions> = { root };
  const flags: Record<string, keyof ReviewOptions> = {
    "--stack": "stack",
    "--cwd": "root",
    "--config": "configFile",
    "--program": "program",
    "--policy-config": "policyConfigFile",
    "--environment": "environment",
    "--json": "json",
    "--markdown": "markdown",
    "--sarif": "sarif",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const key = flags[flag];
    if (!key) throw new KeyplaneError("usage", `unknown argument ${a}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") throw new KeyplaneError("usage", `${flag} needs a value\n${USAGE}`);
    (opts as Record<string, string>)[key] = key === "root" ? abs(value) : value;
  }
  if (!opts.stack) throw new KeyplaneError("usage", `--stack is required\n${USAGE}`);
  if (!STACK_RE.test(opts.stack))
    throw new KeyplaneError("usage", `--stack "${opts.stack}": letters, digits, - _ . only`);
  return opts as ReviewOptions;
}

/** User-supplied paths are relative to the working directory. */
const abs = (p: string) => (isAbsolute(p) ? p : resolve(process.cwd(), p));

/** A review-only rule on the stack file itself (not a resource rule, so not part of the policy pack). */
export const CONFIG_SECRETS_RULE: AppliedRule = {
  name: "keyplane-config-secrets-encrypted",
  description:
    "Secret-looking stack settings (seed, password, secret, token, key) are Pulumi secrets (`pulumi config set --secret`), never plain text in the stack config file.",
  enforcementLevel: "mandatory",
};

function appliedRules(packConfig: PackConfig): AppliedRule[] {
  return [
    ...rules.map((r) => ({
      name: r.name,
      description: r.description,
      enforcementLevel: ruleConfigFor(r, packConfig).enforcementLevel,
    })),
    CONFIG_SECRETS_RULE,
  ];
}

/**
 * A TypeScript program loads the way the Pulumi CLI loads it: when no `.ts` loader is registered yet (tsx in this
 * repository registers one), ts-node is registered through the project's own `@pulumi/pulumi` (its `tsutils`, as its
 * language host's cmd/run does), with the project's tsconfig.json. Installed Keyplane needs no TypeScript loader of its own.
 */
function registerTypeScript(projectDir: string): void {
  if (require.extensions[".ts"]) return;
  const projectRequire = createRequire(join(projectDir, "package.json"));
  let tsutils: {
    loadTypeScriptCompilerOptions(path: string): Record<string, unknown> & { noCheck?: boolean };
    typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
  };
  try {
    tsutils = projectRequire("@pulumi/pulumi/tsutils");
  } catch (e) {
    throw new KeyplaneError(
      "program_failed",
      `Cannot load a TypeScript program: @pulumi/pulumi is not installed in ${projectDir} (${(e as Error).message})`,
    );
  }
  const tsconfig = join(projectDir, "tsconfig.json");
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsconfig);
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const ts = projectRequire(typescriptRequire) as { version: string };
  const [major = 0, minor = 0] = ts.version.split(".").map(Number);
  const nodeNext = major > 4 || (major === 4 && minor >= 7);
  (projectRequire(tsnodeRequire) as { register(o: object): void }).register({
    compiler: typescriptRequire,
    transpileOnly: compilerOptions.noCheck,
    project: tsconfig,
    skipProject: false,
    compilerOptions: {
      target: "ES2020",
      module: nodeNext ? "nodenext" : "commonjs",
      moduleResolution: nodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...compilerOptions,
    },
  });
}

/** Load and run a program module: its default export / module.exports may be a function or a promise of outputs. */
async function runProgramModule(file: string, projectDir = dirname(file)): Promise<unknown> {
  // `file` may be the project folder (Pulumi.yaml without `main`): its package.json `main` names the entry.
  const entry = require.resolve(file);
  if (/\.[cm]?tsx?$/.test(entry)) registerTypeScript(projectDir);
  // A fresh load each time, so a program that registers resources at import time runs again in the same process.
  delete require.cache[entry];
  const mod = require(file) as unknown;
  const main = (mod as { default?: unknown })?.default ?? mod;
  if (typeof main === "function") return await (main as () => unknown)();
  return await main;
}

export async function review(opts: ReviewOptions): Promise<ReviewResult> {
  const proj = readPulumiProject(opts.root);
  const project = proj.name;
  const configFile = opts.configFile ? abs(opts.configFile) : join(proj.stackConfigDir, `Pulumi.${opts.stack}.yaml`);
  const stackConfig = loadStackConfig(configFile, project);
  let packConfig: PackConfig = {};
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
  const programFile = opts.program ? abs(opts.program) : proj.program;
  try {
    statSync(programFile);
  } catch {
    throw new KeyplaneError("program_missing", `${programFile}: no such program (Pulumi.yaml "main", or --program)`);
  }
  const recording = await recordProgram(() => runProgramModule(programFile, opts.root), {
    project,
    stack: opts.stack,
    config: stackConfig.values,
    secretKeys: stackConfig.secretKeys,
  });
  const findings: Finding[] = evaluate(recording.resources, packConfig, { environment });
  // Review-only check on the stack file itself: secret-looking settings must be Pulumi secrets (`pulumi config set --secret`).
  for (const key of stackConfig.plainSecretLookingKeys) {
    findings.push({
      rule: CONFIG_SECRETS_RULE.name,
      enforcementLevel: CONFIG_SECRETS_RULE.enforcementLevel,
      message: `${key} is stored in plain text in ${basename(configFile)}; set it with \`pulumi config set --secret\``,
      path: key,
      resource: { type: "pulumi:config", name: key },
    });
  }
  const applied = appliedRules(packConfig);
  return {
    project,
    stack: opts.stack,
    environment,
    resources: recording.resources,
    findings,
    rulesApplied: applied.map((r) => r.name),
    rules: applied,
    files: { project: proj.file, stackConfig: configFile, program: programFile },
    configKeyLines: stackConfig.keyLines,
  };
}

export async function main(
  argv: readonly string[],
  root: string,
  out: (s: string) => void = (s) => process.stdout.write(s + "\n"),
  err: (s: string) => void = (s) => process.stderr.write(s + "\n"),
): Promise<number> {
  try {
    const opts = parseArgs(argv, root);
    const result = await review(opts);
    out(renderText(result));
    if (opts.markdown) writeFileSync(abs(opts.markdown), renderMarkdown(result));
    if (opts.json) writeFileSync(abs(opts.json), renderJson(result));
    if (opts.sarif) writeFileSync(abs(opts.sarif), renderSarif(result));
    return summarize(result).passed ? 0 : 1;
  } catch (e) {
    if (isKeyplaneError(e)) err(`review error [${e.code}]: ${e.message}`);
    else err(`review error: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
