/**
 * docs/stacks-and-review.md lists every rule of the pack with its default level, what it checks (the rule's own
 * description, word for word) and its settings, so the page cannot fall behind the rules.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { rules } from "../../../policy-pack";

describe("policy pack rules in docs/stacks-and-review.md", () => {
  const doc = readFileSync(join(__dirname, "..", "..", "..", "docs", "stacks-and-review.md"), "utf8");
  const rows = new Map(
    doc
      .split("\n")
      .filter((l) => l.startsWith("| `keyplane-"))
      .map((l) => [/^\| `([^`]+)`/.exec(l)![1]!, l.split(" | ")] as const),
  );

  it("has one row per rule, with its level and description", () => {
    for (const r of rules) {
      const row = rows.get(r.name);
      assert.ok(row, `${r.name} has a row`);
      assert.equal(row[1], r.enforcementLevel, `${r.name}: level`);
      assert.equal(row[2], r.description, `${r.name}: description`);
    }
  });

  it("lists no rule the pack does not have (the offline review's own check aside)", () => {
    const names = new Set(rules.map((r) => r.name));
    const extra = [...rows.keys()].filter((n) => !names.has(n) && n !== "keyplane-config-secrets-encrypted");
    assert.deepEqual(extra, []);
  });
});
