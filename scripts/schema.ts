/**
 * `npm run schema`: what is generated from the one configuration (functions/config.ts, functions/config-env.ts).
 * 1. schema/keyplane.config.schema.json: the JSON Schema of `keyplaneConfigSchema` (zod 4's `toJSONSchema`, input side,
 *    so fields with defaults are optional), shipped in the package as `keyplane/config.schema.json` for editors
 *    (`"$schema"` in a configuration file), with each property's doc comment as its `description` (editor hover
 *    text; scripts/schema-descriptions.ts).
 * 2. The environment tables of docs/configuration.md (overrides, bootstrap variables, old names), between
 *    `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`.
 * test/scripts/schema.test.ts fails when either is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toJSONSchema } from "zod/v4/core";
import { keyplaneConfigSchema } from "../functions/config";
import { BOOTSTRAP_ENV, ENV_OVERRIDES, NOT_OVERRIDES, RENAMED_ENV } from "../functions/config-env";
import { addDescriptions, zodObjectDocs } from "./schema-descriptions";

export const REPO_ROOT = join(__dirname, "..");
export const SCHEMA_FILE = "schema/keyplane.config.schema.json";
export const CONFIG_DOC = "docs/configuration.md";

/** The JSON Schema text, as committed. */
export function configJsonSchema(): string {
  const schema = addDescriptions(
    toJSONSchema(keyplaneConfigSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
    zodObjectDocs(join(REPO_ROOT, "functions")),
  );
  return `${JSON.stringify(
    {
      ...schema,
      title: "Keyplane configuration",
      description:
        "The one Keyplane configuration document (KEYPLANE_CONFIG_FILE or KEYPLANE_CONFIG): a section per area. docs/configuration.md",
    },
    null,
    2,
  )}\n`;
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The Markdown tables generated from the data in functions/config-env.ts. */
export function envTables(): Record<string, string> {
  return {
    "env-overrides": [
      "| env | config path | kind | meaning |",
      "|---|---|---|---|",
      ...ENV_OVERRIDES.map(
        (o) =>
          `| \`${o.env}\` | \`${o.path}\` | ${o.kind} | ${cell(o.meaning)}${o.secret ? " (a secret: keep it in a secret store)" : ""} |`,
      ),
    ].join("\n"),
    "env-bootstrap": [
      "| env | read by | meaning |",
      "|---|---|---|",
      ...BOOTSTRAP_ENV.map((b) => `| \`${b.env}\` | ${cell(b.where)} | ${cell(b.meaning)} |`),
    ].join("\n"),
    "env-renamed": [
      "| old name (refused at start-up) | use instead |",
      "|---|---|",
      ...RENAMED_ENV.map((r) => `| \`${r.old}\` | ${cell(r.replacement).replace(/^(KEYPLANE_[A-Z0-9_]+)/, "`$1`")} |`),
    ].join("\n"),
    "env-not-overrides": NOT_OVERRIDES.map((n) => `\`${n}\``).join(", "),
  };
}

/** `text` with each generated block replaced by a fresh one; throws when a marker is missing. */
export function withGeneratedTables(text: string): string {
  let out = text;
  for (const [name, body] of Object.entries(envTables())) {
    const re = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!re.test(out)) throw new Error(`${CONFIG_DOC}: no <!-- generated:${name} --> block`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}${body}\n${b}`);
  }
  return out;
}

if (require.main === module) {
  writeFileSync(join(REPO_ROOT, SCHEMA_FILE), configJsonSchema());
  const doc = join(REPO_ROOT, CONFIG_DOC);
  writeFileSync(doc, withGeneratedTables(readFileSync(doc, "utf8")));
  console.log(`wrote ${SCHEMA_FILE} and the tables of ${CONFIG_DOC}`);
}
