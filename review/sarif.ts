/**
 * The review as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format, Version 2.1.0), for GitHub code
 * scanning annotations on pull requests. Section numbers below are the OASIS standard's.
 *
 * - One run (§3.14) whose tool.driver (§3.18, §3.19) is "keyplane-review" with every applied rule as a
 *   reportingDescriptor (§3.49): id = the stable rule name, shortDescription = its first sentence.
 * - One result (§3.27) per finding: ruleId/ruleIndex, level from the enforcement level (mandatory and remediate ->
 *   "error", advisory -> "warning"; disabled rules report nothing), message.text, and a physicalLocation (§3.29):
 *   the stack config file at the key's line for findings about a config key, else the program's entry file at line 1
 *   with the resource's URN as a logicalLocation (§3.33). GitHub requires region.startLine on every result.
 * - Paths are relative to the repository root (the nearest folder above holding `.git`), else to the project folder,
 *   with uriBaseId %SRCROOT%, so GitHub can place them; partialFingerprints (§3.27.17) keep one alert per rule,
 *   resource and path across runs although many results share line 1 of the program.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { EnforcementLevel, Finding } from "../policy-pack";
import type { ReviewResult } from "./report";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";
export const SARIF_VERSION = "2.1.0";

type SarifLevel = "error" | "warning" | "note" | "none";

/** Enforcement level -> SARIF level (§3.27.10); undefined: not reported. */
export function sarifLevel(level: EnforcementLevel): SarifLevel | undefined {
  if (level === "mandatory" || level === "remediate") return "error";
  if (level === "advisory") return "warning";
  return undefined;
}

function firstSentence(s: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(s);
  return m ? m[1]! : s;
}

/** The folder paths are made relative to: the repository root above `dir`, else `dir`. */
export function sourceRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return d;
    if (dirname(d) === d) return dir;
  }
}

function uriOf(file: string, root: string): string {
  const rel = relative(root, file) || ".";
  return rel.split(sep).map(encodeURIComponent).join("/");
}

function fingerprint(f: Finding): string {
  return createHash("sha256")
    .update([f.rule, f.resource.urn ?? `${f.resource.type}::${f.resource.name}`, f.path ?? ""].join("\n"))
    .digest("hex")
    .slice(0, 32);
}

export function toSarif(r: ReviewResult): Record<string, unknown> {
  const root = sourceRoot(dirname(r.files.project));
  const program = statSync(r.files.program, { throwIfNoEntry: false })?.isDirectory()
    ? r.files.project
    : r.files.program;
  const ruleIndex = new Map(r.rules.map((x, i) => [x.name, i]));
  const results = [];
  for (const f of r.findings) {
    const level = sarifLevel(f.enforcementLevel);
    if (!level) continue;
    const isConfig = f.resource.type === "pulumi:config";
    const line = isConfig ? r.configKeyLines[f.resource.name] : undefined;
    const file = isConfig ? (line !== undefined ? r.files.stackConfig : r.files.project) : program;
    const where = f.path && !isConfig ? ` at ${f.path}` : "";
    const resource = isConfig ? `stack config ${f.resource.name}` : `${f.resource.type} "${f.resource.name}"`;
    results.push({
      ruleId: f.rule,
      ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
      level,
      message: { text: `${resource}${where}: ${f.message}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(file, root), uriBaseId: "%SRCROOT%" },
            region: { startLine: line ?? 1 },
          },
          ...(isConfig
            ? {}
            : {
                logicalLocations: [
                  {
                    name: f.resource.name,
                    fullyQualifiedName: f.resource.urn ?? `${f.resource.type}::${f.resource.name}`,
                    kind: "resource",
                  },
                ],
              }),
        },
      ],
      partialFingerprints: { "keyplaneFinding/v1": fingerprint(f) },
    });
  }
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: "keyplane-review",
            informationUri: "https://www.npmjs.com/package/keyplane",
            rules: r.rules.map((x) => {
              const level = sarifLevel(x.enforcementLevel);
              return {
                id: x.name,
                shortDescription: { text: firstSentence(x.description) },
                fullDescription: { text: x.description },
                defaultConfiguration: level ? { level } : { enabled: false },
              };
            }),
          },
        },
        // GitHub's "category": one per project and stack, so several stacks' uploads do not replace each other.
        automationDetails: { id: `keyplane-review/${r.project}/${r.stack}/` },
        results,
      },
    ],
  };
}

export function renderSarif(r: ReviewResult): string {
  return JSON.stringify(toSarif(r), null, 2);
}
