import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, parseArgs } from "../../review/run";

const ROOT = join(__dirname, "..", "..");
const PROGRAM = join(ROOT, "test/review/fixtures/raw-program.ts");

describe("review/run (in process, raw-resource program)", () => {
  const dir = mkdtempSync(join(tmpdir(), "kp-run-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      ROOT,
      (s) => out.push(s),
      (s) => err.push(s),
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  function stack(name: string, lines: string[]) {
    const f = join(dir, `Pulumi.${name}.yaml`);
    writeFileSync(f, ["config:", ...lines.map((l) => `  ${l}`), ""].join("\n"));
    return f;
  }

  it("passes a compliant program and writes Markdown and JSON without resource inputs", async () => {
    const cfg = stack("ok", ["keyplane:environment: prod", "keyplane:keySeed:", "  secure: v1:AAAA"]);
    const r = await run([
      "--stack",
      "ok",
      "--config",
      cfg,
      "--program",
      PROGRAM,
      "--markdown",
      join(dir, "ok.md"),
      "--json",
      join(dir, "ok.json"),
    ]);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /azure-native:media:ContentKeyPolicy\s+ckp\s+ok/);
    const json = readFileSync(join(dir, "ok.json"), "utf8");
    assert.equal(JSON.parse(json).summary.passed, true);
    assert.doesNotMatch(json, /secretString|00112233/);
    assert.match(readFileSync(join(dir, "ok.md"), "utf8"), /\| `aws:lambda\/function:Function` \| delivery \| ok \|/);
  });

  it("fails on mandatory violations, including plain-text secrets in the stack file", async () => {
    const cfg = stack("bad", [
      "keyplane:environment: prod",
      "keyplane:keySeed: c2VlZHNlZWRzZWVkc2VlZA==",
      "keyplane:openRestriction: true",
      "keyplane:vendorApiKey: ezdrm-123",
    ]);
    const r = await run(["--stack", "bad", "--config", cfg, "--program", PROGRAM]);
    assert.equal(r.code, 1);
    assert.match(r.out, /\[mandatory\] keyplane-no-open-restriction {2}azure-native:media:ContentKeyPolicy "ckp"/);
    assert.match(
      r.out,
      /\[mandatory\] keyplane-no-plaintext-secrets-in-function-env {2}aws:lambda\/function:Function "delivery"/,
    );
    assert.match(r.out, /\[mandatory\] keyplane-config-secrets-encrypted {2}pulumi:config "keyplane:keySeed"/);
    assert.doesNotMatch(r.out, /ezdrm-123|c2VlZHNlZWRzZWVk/);
  });

  it("applies a policy config (Pulumi pack config format) and the environment override", async () => {
    const cfg = stack("lvl", ["keyplane:keySeed:", "  secure: v1:AAAA", "keyplane:openRestriction: true"]);
    writeFileSync(join(dir, "policy.json"), JSON.stringify({ "keyplane-no-open-restriction": "advisory" }));
    const advisory = await run([
      "--stack",
      "lvl",
      "--config",
      cfg,
      "--program",
      PROGRAM,
      "--policy-config",
      join(dir, "policy.json"),
      "--environment",
      "prod",
    ]);
    assert.equal(advisory.code, 0, advisory.err);
    assert.match(advisory.out, /\[advisory\] keyplane-no-open-restriction/);
    const dev = await run(["--stack", "lvl", "--config", cfg, "--program", PROGRAM, "--environment", "dev"]);
    assert.equal(dev.code, 0);
    assert.match(dev.out, /No violations/);
  });

  it("exits 2 with a clear message on usage and input errors", async () => {
    assert.equal((await run([])).code, 2);
    assert.match((await run(["--stack", "x", "--config", join(dir, "missing.yaml")])).err, /stack_config_missing/);
    writeFileSync(join(dir, "bad-policy.json"), JSON.stringify({ "keyplane-nope": "advisory" }));
    const cfg = stack("p", ["keyplane:keySeed:", "  secure: v1:AAAA"]);
    assert.match(
      (
        await run([
          "--stack",
          "p",
          "--config",
          cfg,
          "--program",
          PROGRAM,
          "--policy-config",
          join(dir, "bad-policy.json"),
        ])
      ).err,
      /keyplane-nope: unknown rule/,
    );
    assert.throws(() => parseArgs(["--stack", "../etc"], ROOT), /letters, digits/);
    assert.throws(() => parseArgs(["--stack", "a", "--colour", "x"], ROOT), /unknown argument --colour/);
  });
});
