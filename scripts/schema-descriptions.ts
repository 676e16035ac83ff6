/**
 * Hover text for the configuration's JSON Schema, taken from the doc comments the schemas already carry: every
 * property of a `z.object({...})` / `z.strictObject({...})` literal in `functions/` with a `/** ... *\/` comment
 * (properties spread in from a `const name = { ... }` of the same module count as the literal's own). A JSON Schema
 * object gets the comments of the zod object literal with exactly its property names (zod's `toJSONSchema` keeps
 * names, not comments), so nothing is written twice and the text cannot drift from the code. When several literals
 * have the same names (the `{ type: "dynamodb", tableName }` of the registry and of the replay counter), their
 * `z.literal` values and their nesting in their module tell them apart; a tie left over is an error.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";

interface ObjectDocs {
  /** The literal's property names, sorted and joined: how a JSON Schema object is matched to it. */
  keys: string;
  docs: Map<string, string>;
  /** `z.literal("...")` values of its properties (discriminants), to compare with the JSON Schema's `const`s. */
  literals: Map<string, string>;
  /** Names of the properties the literal is nested in within its module, outermost first (`["useCounter"]`). */
  nesting: string[];
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
    // `const commonFields = { ... }` of this module, for `z.strictObject({ kind, ...commonFields })`.
    const spreadable = new Map<string, ts.ObjectLiteralExpression>();
    for (const st of src.statements)
      if (ts.isVariableStatement(st))
        for (const d of st.declarationList.declarations)
          if (ts.isIdentifier(d.name) && d.initializer && ts.isObjectLiteralExpression(d.initializer))
            spreadable.set(d.name.text, d.initializer);
    const propertiesOf = (o: ts.ObjectLiteralExpression): ts.ObjectLiteralElementLike[] =>
      o.properties.flatMap((p) => {
        const spread = ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression) && spreadable.get(p.expression.text);
        return spread ? propertiesOf(spread) : [p];
      });
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
        const literals = new Map<string, string>();
        for (const p of propertiesOf(node.arguments[0])) {
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
          const v = ts.isPropertyAssignment(p) ? p.initializer : undefined;
          if (
            v &&
            ts.isCallExpression(v) &&
            ts.isPropertyAccessExpression(v.expression) &&
            v.expression.name.text === "literal" &&
            v.arguments[0] &&
            ts.isStringLiteral(v.arguments[0])
          )
            literals.set(p.name.text, v.arguments[0].text);
        }
        const nesting: string[] = [];
        for (let a = node.parent; a; a = a.parent)
          if (ts.isPropertyAssignment(a) && (ts.isIdentifier(a.name) || ts.isStringLiteral(a.name)))
            nesting.unshift(a.name.text);
        if (docs.size) out.push({ keys: names.sort().join(","), docs, literals, nesting });
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  return out;
}

type JsonSchema = { [k: string]: unknown };

/** How many trailing names of `path` the literal's nesting equals; -1 when its nesting does not end `path`. */
function nestingMatch(o: ObjectDocs, path: readonly string[]): number {
  const tail = path.slice(path.length - o.nesting.length);
  return o.nesting.length <= path.length && o.nesting.every((n, i) => tail[i] === n) ? o.nesting.length : -1;
}

/** The literal documenting the JSON Schema object `props` at `path` (property names from the root). */
function literalFor(
  objects: readonly ObjectDocs[],
  props: Record<string, JsonSchema>,
  path: readonly string[],
): ObjectDocs | undefined {
  const keys = Object.keys(props).sort().join(",");
  let found = objects.filter((o) => o.keys === keys);
  if (found.length <= 1) return found[0];
  found = found.filter((o) =>
    [...o.literals].every(([name, value]) => props[name]?.const === undefined || props[name]?.const === value),
  );
  const best = Math.max(-1, ...found.map((o) => nestingMatch(o, path)));
  found = found.filter((o) => best >= 0 && nestingMatch(o, path) === best);
  if (found.length > 1)
    throw new Error(`${path.join(".") || "(root)"}: ${found.length} zod object literals have the properties ${keys}`);
  return found[0];
}

/** `schema` with `description` set on each property whose zod object literal documents it (in place; returned). */
export function addDescriptions(schema: JsonSchema, objects: readonly ObjectDocs[]): JsonSchema {
  const walk = (node: unknown, path: readonly string[]): void => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, path);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as JsonSchema;
    const props = n.properties as Record<string, JsonSchema> | undefined;
    if (props && typeof props === "object") {
      const match = literalFor(objects, props, path);
      for (const [name, prop] of Object.entries(props)) {
        const doc = match?.docs.get(name);
        if (doc && prop && typeof prop === "object" && prop.description === undefined) prop.description = doc;
        walk(prop, [...path, name]);
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== "properties") walk(v, path);
  };
  walk(schema, []);
  return schema;
}
