/**
 * Hover text for the configuration's JSON Schema, taken from the doc comments the schemas already carry: every
 * property of a `z.object({...})` / `z.strictObject({...})` literal in `functions/` with a `/** ... *\/` comment. A JSON
 * Schema object gets the comments of the zod object literal with exactly its property names (zod's `toJSONSchema`
 * keeps names, not comments), so nothing is written twice and the text cannot drift from the code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";

interface ObjectDocs {
  /** The literal's property names, sorted and joined: how a JSON Schema object is matched to it. */
  keys: string;
  docs: Map<string, string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const OBJECT_FACTORIES = new Set(["object", "strictObject", "looseObject"]);

/** The documented zod object literals of every module under `dir`. */
export function zodObjectDocs(dir: string): ObjectDocs[] {
  const out: ObjectDocs[] = [];
  for (const file of sourceFiles(dir)) {
    const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        OBJECT_FACTORIES.has(node.expression.name.text) &&
        node.arguments[0] &&
        ts.isObjectLiteralExpression(node.arguments[0])
      ) {
        const names: string[] = [];
        const docs = new Map<string, string>();
        for (const p of node.arguments[0].properties) {
          if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
          names.push(p.name.text);
          const text = ts
            .getJSDocCommentsAndTags(p)
            .filter(ts.isJSDoc)
            .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
            .join(" ")
            .replace(/\s+/g, " ")
            .trim();
          if (text) docs.set(p.name.text, text);
        }
        if (docs.size) out.push({ keys: names.sort().join(","), docs });
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  return out;
}

type JsonSchema = { [k: string]: unknown };

/** `schema` with `description` set on each property whose zod object literal documents it (in place; returned). */
export function addDescriptions(schema: JsonSchema, objects: readonly ObjectDocs[]): JsonSchema {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as JsonSchema;
    const props = n.properties as Record<string, JsonSchema> | undefined;
    if (props && typeof props === "object") {
      const keys = Object.keys(props).sort().join(",");
      const match = objects.find((o) => o.keys === keys);
      for (const [name, prop] of Object.entries(props)) {
        const doc = match?.docs.get(name);
        if (doc && prop && typeof prop === "object" && prop.description === undefined) prop.description = doc;
      }
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(schema);
  return schema;
}
