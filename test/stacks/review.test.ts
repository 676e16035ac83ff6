/**
 * The offline review end to end, as CI runs it: `npx tsx stacks/review.ts --stack ...` in a child process with a temp
 * stack config, on Pulumi's mock runtime (no Pulumi CLI, no credentials, no network). The runs start in parallel in
 * `before` because each loads the cloud SDKs.
 */
import { runCommand, type CommandResult } from "../support/process";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
type Run = CommandResult;

function review(args: string[]): Promise<Run> {
  return runCommand(
    process.execPath,
    ["--import=tsx", "--conditions=keyplane-source", join(ROOT, "stacks/review.ts"), ...args],
    { cwd: ROOT },
  );
}

describe("stacks/review (child process)", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "kp-review-"));
  const prod = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");
  const vendor = readFileSync(join(ROOT, "stacks/examples/Pulumi.vendor.yaml"), "utf8");
  const azure = readFileSync(join(ROOT, "stacks/examples/Pulumi.azure.yaml"), "utf8");
  const runs: Record<string, Run> = {};

  before(async () => {
    const openProd = prod.replace("restriction: token", "restriction: open");
    assert.notEqual(openProd, prod);
    writeFileSync(join(dir, "Pulumi.prod-open.yaml"), openProd);
    const integration = vendor.replace("mode: function", "mode: integration");
    assert.notEqual(integration, vendor);
    writeFileSync(join(dir, "Pulumi.vendor-integration.yaml"), integration);
    writeFileSync(join(dir, "Pulumi.bad.yaml"), prod.replace("rotationSeconds: 300", "rotationSeconds: 60"));
    const azureOpen = azure
      .replace("restriction: token", "restriction: open")
      .replace("playReadySecurityLevel: SL2000", "playReadySecurityLevel: SL2000\n    playReadyAllowTestDevices: true");
    assert.notEqual(azureOpen, azure);
    writeFileSync(join(dir, "Pulumi.azure-open.yaml"), azureOpen);
    const [ok, open, integ, bad, azOpen, multi] = await Promise.all([
      review(["--stack", "prod", "--json", join(dir, "prod.json"), "--markdown", join(dir, "prod.md")]),
      review([
        "--stack",
        "prod",
        "--config",
        join(dir, "Pulumi.prod-open.yaml"),
        "--markdown",
        join(dir, "open.md"),
        "--json",
        join(dir, "open.json"),
      ]),
      review(["--stack", "vendor", "--config", join(dir, "Pulumi.vendor-integration.yaml")]),
      review(["--stack", "prod", "--config", join(dir, "Pulumi.bad.yaml")]),
      review(["--stack", "azure", "--config", join(dir, "Pulumi.azure-open.yaml")]),
      review([
        "--stack",
        "multi",
        "--config",
        join(ROOT, "stacks/examples/Pulumi.multi.yaml"),
        "--json",
        join(dir, "multi.json"),
      ]),
    ]);
    Object.assign(runs, { ok, open, integ, bad, azOpen, multi });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("passes the example prod stack (exit 0) and writes Markdown and JSON", () => {
    const r = runs.ok!;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^PASSED: 0 mandatory/m);
    assert.match(r.stdout, /aws-native:mediapackagev2:OriginEndpoint/);
    assert.match(r.stdout, /aws:lambda\/function:Function/);
    const json = JSON.parse(readFileSync(join(dir, "prod.json"), "utf8")) as {
      summary: { passed: boolean; resources: number };
      rules: string[];
    };
    assert.equal(json.summary.passed, true);
    assert.ok(json.summary.resources > 10);
    assert.ok(json.rules.length >= 15);
    assert.match(readFileSync(join(dir, "prod.md"), "utf8"), /^### ✅ Keyplane content protection review: `prod`/);
  });

  it("fails a prod copy with an open restriction, naming the rule and the resource", () => {
    const r = runs.open!;
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /\[mandatory\] keyplane-no-open-restriction {2}aws:lambda\/function:Function "keyplane-prod-delivery[^"]*"/,
    );
    assert.match(r.stdout, /^FAILED: /m);
    const md = readFileSync(join(dir, "open.md"), "utf8");
    assert.match(md, /^### ❌/);
    assert.match(md, /\| mandatory \| `keyplane-no-open-restriction` \|/);
    const json = JSON.parse(readFileSync(join(dir, "open.json"), "utf8")) as {
      findings: { rule: string; resource: { name: string } }[];
    };
    assert.ok(json.findings.some((f) => f.rule === "keyplane-no-open-restriction"));
  });

  it("fails a vendor stack whose credential sits in the API definition", () => {
    const r = runs.integ!;
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /\[mandatory\] keyplane-no-vendor-credentials-in-api {2}aws:apigateway\/integration:Integration "keyplane-prod-vendor-speke-integration" at requestParameters\["integration\.request\.querystring\.p"\]/,
    );
    assert.match(r.stdout, /keyplane-no-vendor-credentials-in-api {2}aws:apigateway\/restApi:RestApi/);
    // The credential value itself is never printed.
    assert.doesNotMatch(r.stdout, /00112233445566778899aabbccddeeff/);
  });

  it("fails a copy of the Azure VOD example with an open restriction and PlayReady test devices", () => {
    const r = runs.azOpen!;
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /\[mandatory\] keyplane-no-open-restriction {2}azure-native:media:ContentKeyPolicy "keyplane-prod-ams-ckp-keyplane-default" at options\[0\]\.restriction/,
    );
    assert.match(
      r.stdout,
      /\[mandatory\] keyplane-playready-no-test-devices-in-prod {2}azure-native:media:ContentKeyPolicy/,
    );
  });

  it("passes the multi-cloud example: both clouds in one stack", () => {
    assert.equal(runs.multi!.code, 0, runs.multi!.stderr + runs.multi!.stdout);
    const json = JSON.parse(readFileSync(join(dir, "multi.json"), "utf8")) as { resources: { type: string }[] };
    const types = new Set(json.resources.map((r) => r.type));
    for (const t of [
      "aws-native:mediapackagev2:OriginEndpoint",
      "aws:secretsmanager/secretVersion:SecretVersion",
      "azure-native:media:ContentKeyPolicy",
      "azure-native:media:StreamingLocator",
    ])
      assert.ok(types.has(t), t);
  });

  it("exits 2 on invalid stack config, naming the key", () => {
    const r = runs.bad!;
    assert.equal(r.code, 2, r.stderr + r.stdout);
    assert.match(r.stderr, /keyplane:aws\.mediaPackage\.rotationSeconds: must be >= 300/);
  });
});
