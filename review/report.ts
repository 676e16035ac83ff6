/** Renders a review: a terminal table, Markdown for a pull-request comment, and JSON. Never prints resource inputs. */
import type { EnforcementLevel, Finding } from "../policy-pack";
import type { RecordedResource } from "./record";

/** A rule as this review applied it: its effective enforcement level after the policy config. */
export interface AppliedRule {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
}

/** The files a review read (absolute paths), for locations in SARIF. */
export interface ReviewFiles {
  /** Pulumi.yaml */
  project: string;
  /** Pulumi.<stack>.yaml */
  stackConfig: string;
  /** The program's entry as resolved (a file, or the project folder when `main` is absent). */
  program: string;
}

export interface ReviewResult {
  project: string;
  stack: string;
  environment: string;
  resources: RecordedResource[];
  findings: Finding[];
  rulesApplied: string[];
  rules: AppliedRule[];
  files: ReviewFiles;
  /** `namespace:key` -> line in the stack config file. */
  configKeyLines: Record<string, number>;
}

export function summarize(r: ReviewResult) {
  const mandatory = r.findings.filter(
    (f) => f.enforcementLevel === "mandatory" || f.enforcementLevel === "remediate",
  ).length;
  const advisory = r.findings.filter((f) => f.enforcementLevel === "advisory").length;
  return {
    resources: r.resources.filter((x) => x.custom).length,
    components: r.resources.filter((x) => !x.custom && x.type !== "pulumi:pulumi:Stack").length,
    mandatory,
    advisory,
    passed: mandatory === 0,
  };
}

function findingsFor(r: ReviewResult, res: RecordedResource): Finding[] {
  return r.findings.filter(
    (f) => f.resource.urn === res.urn || (f.resource.type === res.type && f.resource.name === res.name),
  );
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export function renderText(r: ReviewResult): string {
  const s = summarize(r);
  const lines: string[] = [];
  lines.push(`Keyplane review: project ${r.project}, stack ${r.stack}, environment ${r.environment}`);
  lines.push("");
  const rows = r.resources
    .filter((x) => x.custom)
    .map((x) => {
      const f = findingsFor(r, x);
      const m = f.filter((y) => y.enforcementLevel !== "advisory").length;
      const a = f.length - m;
      return [x.type, x.name, f.length === 0 ? "ok" : `${m} mandatory, ${a} advisory`];
    });
  const w0 = Math.max(4, ...rows.map((x) => x[0]!.length));
  const w1 = Math.max(4, ...rows.map((x) => x[1]!.length));
  lines.push(`${pad("TYPE", w0)}  ${pad("NAME", w1)}  REVIEW`);
  for (const row of rows) lines.push(`${pad(row[0]!, w0)}  ${pad(row[1]!, w1)}  ${row[2]}`);
  lines.push("");
  if (r.findings.length === 0) lines.push(`No violations (${r.rulesApplied.length} rules, ${s.resources} resources).`);
  else {
    lines.push("Violations:");
    for (const f of r.findings)
      lines.push(
        `  [${f.enforcementLevel}] ${f.rule}  ${f.resource.type} "${f.resource.name}"${f.path ? ` at ${f.path}` : ""}: ${f.message}`,
      );
  }
  lines.push("");
  lines.push(
    `${s.passed ? "PASSED" : "FAILED"}: ${s.mandatory} mandatory, ${s.advisory} advisory violation(s) across ${s.resources} resources (${s.components} components).`,
  );
  return lines.join("\n");
}

function md(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;");
}

export function renderMarkdown(r: ReviewResult): string {
  const s = summarize(r);
  const out: string[] = [];
  out.push(`### ${s.passed ? "✅" : "❌"} Keyplane content protection review: \`${r.stack}\``);
  out.push("");
  out.push(
    `Project \`${r.project}\`, environment \`${r.environment}\`: **${s.mandatory} mandatory**, ${s.advisory} advisory violation(s); ${s.resources} resources checked against ${r.rulesApplied.length} rules.`,
  );
  out.push("");
  if (r.findings.length > 0) {
    out.push("| Level | Rule | Resource | Where | Problem |");
    out.push("|---|---|---|---|---|");
    for (const f of r.findings)
      out.push(
        `| ${f.enforcementLevel} | \`${f.rule}\` | \`${md(f.resource.type)}\` **${md(f.resource.name)}** | ${f.path ? `\`${md(f.path)}\`` : ""} | ${md(f.message)} |`,
      );
    out.push("");
  }
  out.push("<details><summary>Resources</summary>");
  out.push("");
  out.push("| Type | Name | Review |");
  out.push("|---|---|---|");
  for (const x of r.resources.filter((y) => y.custom)) {
    const n = findingsFor(r, x).length;
    out.push(`| \`${md(x.type)}\` | ${md(x.name)} | ${n === 0 ? "ok" : `${n} violation(s)`} |`);
  }
  out.push("");
  out.push("</details>");
  out.push("");
  return out.join("\n");
}

export function renderJson(r: ReviewResult): string {
  return JSON.stringify(
    {
      project: r.project,
      stack: r.stack,
      environment: r.environment,
      summary: summarize(r),
      rules: r.rulesApplied,
      findings: r.findings,
      resources: r.resources.map((x) => ({
        type: x.type,
        name: x.name,
        urn: x.urn,
        custom: x.custom,
        findings: findingsFor(r, x).length,
      })),
    },
    null,
    2,
  );
}
