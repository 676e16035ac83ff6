/**
 * `keyplane review` run the way a platform team runs it: the package's bin, in the folder of THEIR Pulumi project
 * (its own Pulumi.yaml, project name, `main`, stack files), in a child process. The program is a small TypeScript
 * program in the temporary project that registers raw provider resources our rules judge (no cloud SDK, so it loads
 * fast); its `@pulumi/pulumi` is this repository's copy, as one peer-installed copy would be.
 *
 * SARIF is checked against the SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5.json as shipped by @microsoft/jest-sarif,
 * a draft-04 schema, hence ajv-draft-04) and against what GitHub code scanning requires on top (every result has a
 * location with region.startLine, "SARIF support for code scanning", docs.github.com).
 */
import { runCommand, type CommandResult } from "../support/process";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { rules } from "../../policy-pack";
import { main } from "../../review";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "keyplane.js");

type Run = CommandResult;

function keyplane(args: string[], cwd: string): Promise<Run> {
  return runCommand(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: "" } });
}

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";

class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs) {
    super(type, name, props);
  }
}

const cfg = new pulumi.Config();
const open = cfg.get("restriction") === "open";
new Raw("azure-native:media:ContentKeyPolicy", "acme-ckp", {
  accountName: "acme",
  resourceGroupName: "media",
  options: [{
    name: "clearkey",
    configuration: { odataType: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration" },
    restriction: open
      ? { odataType: "#Microsoft.Media.ContentKeyPolicyOpenRestriction" }
      : { odataType: "#Microsoft.Media.ContentKeyPolicyTokenRestriction", issuer: "https://sts.acme.example", audience: "urn:acme:player", restrictionTokenType: "Jwt",
          primaryVerificationKey: { odataType: "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey", keyValue: Buffer.alloc(32, 7).toString("base64") } },
  }],
});
new Raw("aws:cloudwatch/logGroup:LogGroup", "acme-logs", { retentionInDays: cfg.getNumber("logDays") ?? 90 });
const apiKey = cfg.get("vendorApiKey");
new Raw("aws:lambda/function:Function", "acme-fn", { environment: { variables: apiKey ? { VENDOR_API_KEY: apiKey } : { MODE: "ok" } } });
export const ready = true;
`;

/** A stack file whose lines the test knows: returns the 1-based line of each key. */
function stackFile(file: string, entries: [string, string][]): Record<string, number> {
  const lines = ["# an acme stack", "config:"];
  const at: Record<string, number> = {};
  for (const [k, v] of entries) {
    at[k] = lines.length + 1;
    lines.push(`  ${k}: ${v}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
  return at;
}

describe("keyplane review (the package's bin, in a consumer's Pulumi project)", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "kp-consumer-"));
  const project = join(dir, "acme-media");
  const runs: Record<string, Run> = {};
  let badLines: Record<string, number> = {};

  before(async () => {
    mkdirSync(join(project, "src"), { recursive: true });
    mkdirSync(join(project, "node_modules", "@pulumi"), { recursive: true });
    symlinkSync(
      join(ROOT, "node_modules", "@pulumi", "pulumi"),
      join(project, "node_modules", "@pulumi", "pulumi"),
      "dir",
    );
    writeFileSync(
      join(project, "Pulumi.yaml"),
      "name: acme-media\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: src/index.ts\n",
    );
    writeFileSync(join(project, "src", "index.ts"), PROGRAM);
    stackFile(join(project, "Pulumi.prod.yaml"), [
      ["aws:region", "eu-west-1"],
      ["acme-media:environment", "prod"],
      ["acme-media:restriction", "token"],
    ]);
    badLines = stackFile(join(project, "Pulumi.bad.yaml"), [
      ["acme-media:environment", "prod"],
      ["restriction", "open"],
      ["logDays", "0"],
      ["vendorApiKey", "acme-vendor-123"],
      ["acme-media:tokenKey", "c2VjcmV0LXRva2VuLWtleQ=="],
    ]);
    writeFileSync(
      join(project, "policy.json"),
      JSON.stringify({
        "keyplane-log-retention": "advisory",
        "keyplane-no-plaintext-secrets-in-function-env": "disabled",
      }),
    );
    const [ok, bad] = await Promise.all([
      keyplane(
        ["review", "--stack", "prod", "--markdown", "prod.md", "--json", "prod.json", "--sarif", "prod.sarif"],
        project,
      ),
      keyplane(
        [
          "review",
          "--stack",
          "bad",
          "--policy-config",
          "policy.json",
          "--markdown",
          "bad.md",
          "--json",
          "bad.json",
          "--sarif",
          "bad.sarif",
        ],
        project,
      ),
    ]);
    Object.assign(runs, { ok, bad });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const read = (f: string) => readFileSync(join(project, f), "utf8");

  it("passes the compliant stack (exit 0), naming the consumer's project in every report", () => {
    const r = runs.ok!;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^Keyplane review: project acme-media, stack prod, environment prod$/m);
    assert.match(r.stdout, /^PASSED: 0 mandatory/m);
    const json = JSON.parse(read("prod.json")) as {
      project: string;
      summary: { passed: boolean; resources: number };
      resources: { urn: string }[];
    };
    assert.equal(json.project, "acme-media");
    assert.equal(json.summary.passed, true);
    assert.equal(json.summary.resources, 3);
    for (const x of json.resources) assert.match(x.urn, /^urn:pulumi:prod::acme-media::/);
    assert.match(read("prod.md"), /Project `acme-media`, environment `prod`/);
    const sarif = JSON.parse(read("prod.sarif")) as { runs: { results: unknown[] }[] };
    assert.deepEqual(sarif.runs[0]!.results, []);
  });

  it("fails the violating stack (exit 1) and never prints a plain-text secret", () => {
    const r = runs.bad!;
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /\[mandatory\] keyplane-no-open-restriction {2}azure-native:media:ContentKeyPolicy "acme-ckp"/,
    );
    assert.match(r.stdout, /\[advisory\] keyplane-log-retention {2}aws:cloudwatch\/logGroup:LogGroup "acme-logs"/);
    assert.match(r.stdout, /\[mandatory\] keyplane-config-secrets-encrypted {2}pulumi:config "acme-media:tokenKey"/);
    assert.doesNotMatch(r.stdout, /keyplane-no-plaintext-secrets-in-function-env/, "disabled by the policy config");
    for (const f of ["bad.md", "bad.json", "bad.sarif"])
      assert.doesNotMatch(read(f) + r.stdout, /acme-vendor-123|c2VjcmV0LXRva2VuLWtleQ/, f);
    assert.match(read("bad.md"), /^### ❌ .*`bad`/);
  });

  it("writes a SARIF 2.1.0 log valid against the SARIF JSON schema", () => {
    const schema = JSON.parse(
      readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
    ) as object;
    // unicodeRegExp off: the schema's `language` pattern ("...]?$") is valid only without the u flag.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    for (const f of ["prod.sarif", "bad.sarif"]) {
      const log = JSON.parse(read(f)) as unknown;
      assert.ok(validate(log), `${f}: ${ajv.errorsText(validate.errors)}`);
    }
    // The validator does reject what the spec forbids: a level outside §3.27.10's values, a line below 1 (§3.30.5).
    const broken = JSON.parse(read("bad.sarif")) as {
      runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    broken.runs[0]!.results[0]!.level = "mandatory";
    broken.runs[0]!.results[1]!.locations[0]!.physicalLocation.region.startLine = 0;
    assert.equal(validate(broken), false);
    assert.match(
      ajv.errorsText(validate.errors),
      /level must be equal to one of the allowed values.*startLine must be >= 1|startLine must be >= 1.*level must be equal/s,
    );
  });

  it("SARIF: rules from the policy pack, levels from enforcement, locations in the stack file or the program", () => {
    interface Result {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        logicalLocations?: { fullyQualifiedName: string }[];
      }[];
      partialFingerprints: Record<string, string>;
    }
    const log = JSON.parse(read("bad.sarif")) as {
      version: string;
      runs: {
        tool: {
          driver: {
            name: string;
            rules: {
              id: string;
              shortDescription: { text: string };
              defaultConfiguration: { level?: string; enabled?: boolean };
            }[];
          };
        };
        automationDetails: { id: string };
        results: Result[];
      }[];
    };
    assert.equal(log.version, "2.1.0");
    const run = log.runs[0]!;
    const driverRules = run.tool.driver.rules;
    assert.equal(run.tool.driver.name, "keyplane-review");
    assert.deepEqual(
      driverRules.map((x) => x.id),
      [...rules.map((x) => x.name), "keyplane-config-secrets-encrypted"],
    );
    for (const x of driverRules) assert.ok(x.shortDescription.text.length > 10, x.id);
    assert.equal(driverRules.find((x) => x.id === "keyplane-log-retention")?.defaultConfiguration.level, "warning");
    assert.equal(
      driverRules.find((x) => x.id === "keyplane-no-plaintext-secrets-in-function-env")?.defaultConfiguration.enabled,
      false,
    );
    assert.match(run.automationDetails.id, /^keyplane-review\/acme-media\/bad\//);

    const by = (id: string) => run.results.filter((x) => x.ruleId === id);
    for (const x of run.results) {
      assert.equal(driverRules[x.ruleIndex]?.id, x.ruleId);
      assert.ok(x.locations[0]!.physicalLocation.region.startLine >= 1, "GitHub requires region.startLine");
    }
    // Disabled: no result at all.
    assert.deepEqual(by("keyplane-no-plaintext-secrets-in-function-env"), []);
    // Mandatory -> error, on the program (Pulumi.yaml main), with the resource's URN.
    const [open] = by("keyplane-no-open-restriction");
    assert.equal(open?.level, "error");
    assert.equal(open!.locations[0]!.physicalLocation.artifactLocation.uri, "src/index.ts");
    assert.equal(
      open!.locations[0]!.logicalLocations?.[0]?.fullyQualifiedName,
      "urn:pulumi:bad::acme-media::azure-native:media:ContentKeyPolicy::acme-ckp",
    );
    // Advisory -> warning.
    assert.deepEqual(
      by("keyplane-log-retention").map((x) => x.level),
      ["warning"],
    );
    // A config key: the stack file at the key's line (unqualified keys take the project's namespace).
    const secrets = by("keyplane-config-secrets-encrypted");
    assert.deepEqual(
      secrets.map((x) => x.locations[0]!.physicalLocation.region.startLine).sort(),
      [badLines["vendorApiKey"], badLines["acme-media:tokenKey"]].sort(),
    );
    const secret = secrets.find((x) => /tokenKey/.test(x.message.text));
    assert.equal(secret?.level, "error");
    assert.equal(secret!.locations[0]!.physicalLocation.artifactLocation.uri, "Pulumi.bad.yaml");
    assert.equal(secret!.locations[0]!.physicalLocation.region.startLine, badLines["acme-media:tokenKey"]);
    assert.match(secret?.message.text ?? "", /acme-media:tokenKey is stored in plain text/);
    // Distinct fingerprints for distinct findings.
    const fps = run.results.map((x) => x.partialFingerprints["keyplaneFinding/v1"]);
    assert.equal(new Set(fps).size, fps.length);
  });

  it("exits 2 outside a Pulumi project, on a missing stack file and on a missing program", async () => {
    const quiet = () => undefined;
    const errs: string[] = [];
    assert.equal(await main(["--stack", "prod"], dir, quiet, (s) => errs.push(s)), 2);
    assert.match(errs.pop() ?? "", /\[project_missing\]: no Pulumi\.yaml in /);
    assert.equal(await main(["--stack", "staging"], project, quiet, (s) => errs.push(s)), 2);
    assert.match(errs.pop() ?? "", /\[stack_config_missing\]: .*Pulumi\.staging\.yaml/);
    assert.equal(
      await main(["--stack", "prod", "--program", join(project, "src", "nope.ts")], project, quiet, (s) =>
        errs.push(s),
      ),
      2,
    );
    assert.match(errs.pop() ?? "", /\[program_missing\]/);
  });
});
