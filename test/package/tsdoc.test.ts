/**
 * Every argument a user of the package can pass is documented where their editor shows it: each property of every
 * exported `*Args` / `*Options` interface (own and inherited) reachable from the public entry points in package.json
 * `exports` carries a TSDoc comment. The TypeScript compiler's own view (its checker, as an editor's hover uses it) is
 * the judge, not a text search.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";

const ROOT = join(__dirname, "..", "..");

function publicEntries(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const out: Record<string, string> = {};
  for (const [name, target] of Object.entries(pkg.exports)) {
    if (typeof target === "object" && target["keyplane-source"]) out[name] = join(ROOT, target["keyplane-source"]);
  }
  return out;
}

describe("public argument interfaces are documented (TSDoc on every property)", function () {
  this.timeout(120_000);

  it("every property of every exported *Args / *Options interface of every public entry has a doc comment", () => {
    const entries = publicEntries();
    assert.ok(Object.keys(entries).length >= 6, "package.json exports lists the public entries");
    const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram(Object.values(entries), { ...parsed.options, noEmit: true });
    const checker = program.getTypeChecker();
    const undocumented = new Set<string>();
    let checked = 0;
    for (const [entry, file] of Object.entries(entries)) {
      const source = program.getSourceFile(file);
      assert.ok(source, `entry ${entry} (${file}) is part of the program`);
      const moduleSymbol = checker.getSymbolAtLocation(source);
      assert.ok(moduleSymbol, `entry ${entry} is a module`);
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!(symbol.flags & ts.SymbolFlags.Interface) || !/(Args|Options)$/.test(symbol.name)) continue;
        const type = checker.getDeclaredTypeOfSymbol(symbol);
        for (const prop of checker.getPropertiesOfType(type)) {
          checked++;
          if (prop.getDocumentationComment(checker).length === 0) undocumented.add(`${symbol.name}.${prop.name}`);
        }
      }
    }
    assert.ok(checked > 100, `checked ${checked} properties`);
    assert.deepEqual([...undocumented].sort(), [], "properties without TSDoc");
  });
});
