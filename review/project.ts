/**
 * Reads a Pulumi project file (`Pulumi.yaml`) the way the Pulumi CLI uses it for a review: the project name (the
 * namespace of unqualified config keys and the project part of every URN), the program's entry point (`main`, relative
 * to the project folder; the folder itself when absent) and where stack config files live (`stackConfigDir`).
 * Field names and defaults: Pulumi's project file reference (pulumi.com/docs/iac/concepts/projects/project-file).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import yaml from "js-yaml";
import { KeyplaneError } from "../functions/errors";

export interface PulumiProject {
  /** The Pulumi.yaml (or Pulumi.yml) read. */
  file: string;
  /** The project folder (the one holding the project file). */
  dir: string;
  name: string;
  /** The runtime's name (`runtime: nodejs` or `runtime: {name: nodejs, options}`). */
  runtime: string;
  /** Absolute path of the program's entry: `main` resolved against the project folder, else the folder itself. */
  program: string;
  /** Absolute folder of the `Pulumi.<stack>.yaml` files (`stackConfigDir`, default the project folder). */
  stackConfigDir: string;
}

const MAX_PROJECT_BYTES = 256 * 1024;

function readProjectFile(dir: string): { file: string; text: string } {
  for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (text.length > MAX_PROJECT_BYTES)
      throw new KeyplaneError("project_invalid", `${file}: larger than ${MAX_PROJECT_BYTES} bytes`);
    return { file, text };
  }
  throw new KeyplaneError(
    "project_missing",
    `no Pulumi.yaml in ${dir} (run the review in a Pulumi project folder, or pass --cwd <folder>)`,
  );
}

export function readPulumiProject(dir: string): PulumiProject {
  const { file, text } = readProjectFile(dir);
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (e) {
    throw new KeyplaneError("project_invalid", `${file}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new KeyplaneError("project_invalid", `${file}: expected a mapping`);
  const p = doc as Record<string, unknown>;
  if (typeof p.name !== "string" || p.name === "")
    throw new KeyplaneError("project_invalid", `${file}: "name" is required`);
  const runtime =
    typeof p.runtime === "string"
      ? p.runtime
      : typeof (p.runtime as { name?: unknown } | undefined)?.name === "string"
        ? (p.runtime as { name: string }).name
        : "";
  if (runtime !== "nodejs")
    throw new KeyplaneError(
      "project_invalid",
      `${file}: runtime "${runtime}" cannot be reviewed offline (nodejs only)`,
    );
  for (const key of ["main", "stackConfigDir"] as const) {
    if (p[key] !== undefined && (typeof p[key] !== "string" || p[key] === ""))
      throw new KeyplaneError("project_invalid", `${file}: "${key}" must be a path`);
  }
  return {
    file,
    dir,
    name: p.name,
    runtime,
    program: resolve(dir, (p.main as string | undefined) ?? "."),
    stackConfigDir: resolve(dir, (p.stackConfigDir as string | undefined) ?? "."),
  };
}
