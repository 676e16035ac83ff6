/** Pulumi.yaml as the review reads it; field names and defaults from Pulumi's project file reference. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPulumiProject } from "../../review";

describe("review/project", () => {
  const dir = mkdtempSync(join(tmpdir(), "kp-project-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  function project(name: string, text: string): string {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "Pulumi.yaml"), text);
    return d;
  }

  it("reads name, runtime (short and long form), main and stackConfigDir relative to the project folder", () => {
    const d = project(
      "full",
      "name: acme\nruntime: {name: nodejs, options: {typescript: false}}\nmain: out/index.js\nstackConfigDir: stacks\n",
    );
    const p = readPulumiProject(d);
    assert.deepEqual(
      [p.name, p.runtime, p.program, p.stackConfigDir, p.file],
      ["acme", "nodejs", join(d, "out/index.js"), join(d, "stacks"), join(d, "Pulumi.yaml")],
    );
  });

  it("defaults: the program is the project folder, stack files sit beside Pulumi.yaml", () => {
    const d = project("short", "name: acme\nruntime: nodejs\n");
    const p = readPulumiProject(d);
    assert.equal(p.program, d);
    assert.equal(p.stackConfigDir, d);
  });

  it("refuses what it cannot review, naming the file and field", () => {
    assert.throws(() => readPulumiProject(join(dir, "none")), /project_missing|no Pulumi\.yaml/);
    assert.throws(() => readPulumiProject(project("noname", "runtime: nodejs\n")), /"name" is required/);
    assert.throws(
      () => readPulumiProject(project("py", "name: a\nruntime: python\n")),
      /runtime "python" cannot be reviewed offline/,
    );
    assert.throws(
      () => readPulumiProject(project("badmain", "name: a\nruntime: nodejs\nmain: [x]\n")),
      /"main" must be a path/,
    );
  });
});
