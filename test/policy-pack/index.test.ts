/**
 * The policy pack as the Pulumi CLI loads it. The pack folder (policy-pack/pulumi: PulumiPolicy.yaml, package.json,
 * index.js) is copied into a temporary folder and its dependencies installed there: keyplane from a packed tarball,
 * @pulumi/policy and @pulumi/pulumi as this repository has them. Then it is started the way the Node.js language host
 * starts a policy pack (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs RunPlugin, kind analyzer):
 * `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine address> <pack>` with the pack folder as working
 * directory; `new PolicyPack` serves the analyzer on loopback and prints its port. The test speaks to that gRPC
 * service with the stubs @pulumi/pulumi ships (GetAnalyzerInfo, Analyze).
 *
 * The tarball: `npm pack` of this repository once its package.json exports `keyplane/policy-pack` (the build runs in
 * prepack); until then a stand-in package holding only that export, bundled from policy-pack/index.ts with esbuild and
 * packed with `npm pack`. Either way the pack reaches the rules only through the installed package.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { build } from "esbuild";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  AnalyzerResourceOptions,
  type AnalyzeResponse,
  type AnalyzerInfo,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { PACK_NAME, rules } from "../../policy-pack";

const ROOT = join(__dirname, "..", "..");
const PACK_SRC = join(ROOT, "policy-pack", "pulumi");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** The keyplane tarball: the real package when it exports ./policy-pack, else a stand-in with that one export. */
async function keyplaneTarball(work: string): Promise<string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    version: string;
    exports?: Record<string, unknown>;
  };
  let dir = ROOT;
  if (!pkg.exports?.["./policy-pack"]) {
    dir = join(work, "keyplane-standin");
    await build({
      entryPoints: [join(ROOT, "policy-pack", "index.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      external: ["@pulumi/*"],
      outfile: join(dir, "dist", "policy-pack", "index.js"),
      logLevel: "error",
    });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify(
        {
          name: "keyplane",
          version: pkg.version,
          main: "./dist/policy-pack/index.js",
          exports: { "./policy-pack": "./dist/policy-pack/index.js" },
        },
        null,
        2,
      ),
    );
  }
  const out = execFileSync(
    NPM,
    ["pack", dir, "--pack-destination", work, "--json", "--ignore-scripts=false", "--loglevel=error"],
    { cwd: work, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  const [{ filename }] = JSON.parse(out.slice(out.indexOf("["))) as [{ filename: string }];
  return join(work, filename);
}

/** The pack folder with its dependencies, as `npm install` would lay them out. */
function installPack(work: string, tarball: string): string {
  const pack = join(work, "pack");
  mkdirSync(join(pack, "node_modules", "keyplane"), { recursive: true });
  mkdirSync(join(pack, "node_modules", "@pulumi"), { recursive: true });
  for (const f of ["package.json", "PulumiPolicy.yaml", "index.js"]) copyFileSync(join(PACK_SRC, f), join(pack, f));
  execFileSync("tar", ["-xzf", tarball, "-C", join(pack, "node_modules", "keyplane"), "--strip-components=1"]);
  // One copy of each Pulumi SDK, the one this repository tests with (the pack's package.json asks for the same ranges).
  for (const p of ["policy", "pulumi"])
    symlinkSync(join(ROOT, "node_modules", "@pulumi", p), join(pack, "node_modules", "@pulumi", p), "dir");
  return pack;
}

describe("policy-pack (the pack folder, installed from a tarball and served as the Pulumi CLI serves it)", function () {
  this.timeout(300_000);
  const work = mkdtempSync(join(tmpdir(), "kp-policy-pack-"));
  let child: ChildProcess | undefined;
  let client: AnalyzerClient | undefined;
  let stderr = "";

  before(async () => {
    const pack = installPack(work, await keyplaneTarball(work));
    // Keyplane's own runtime dependencies (if the real package has any on this path) resolve from this repository's
    // install, as `npm install` of the tarball would provide them; the Pulumi SDKs come from the pack's node_modules.
    const env = { ...process.env, NODE_PATH: join(ROOT, "node_modules"), NODE_OPTIONS: "" };
    child = spawn(
      process.execPath,
      [join(pack, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"), "127.0.0.1:1", pack],
      { cwd: pack, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child!.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child!.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      child!.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${stderr}${out}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  after(() => {
    client?.close();
    child?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  function analyze(
    type: string,
    name: string,
    props: Record<string, unknown>,
    stack = "prod",
  ): Promise<AnalyzeResponse> {
    const req = new AnalyzeRequest()
      .setType(type)
      .setName(name)
      .setUrn(`urn:pulumi:${stack}::consumer::${type}::${name}`)
      .setProperties(Struct.fromJavaScript(props as Record<string, never>))
      .setOptions(new AnalyzerResourceOptions());
    return new Promise((resolve, reject) => client!.analyze(req, (e, r) => (e ? reject(e) : resolve(r))));
  }
  const openAms = {
    accountName: "a",
    resourceGroupName: "g",
    options: [
      {
        name: "ck",
        configuration: { odataType: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration" },
        restriction: { odataType: "#Microsoft.Media.ContentKeyPolicyOpenRestriction" },
      },
    ],
  };

  it("GetAnalyzerInfo: names the pack, its version from the pack's package.json, and every rule of keyplane/policy-pack", async () => {
    const info = await new Promise<AnalyzerInfo>((resolve, reject) =>
      client!.getAnalyzerInfo(new Empty(), (e, r) => (e ? reject(e) : resolve(r))),
    );
    assert.equal(info.getName(), PACK_NAME);
    assert.equal(info.getVersion(), JSON.parse(readFileSync(join(PACK_SRC, "package.json"), "utf8")).version);
    assert.deepEqual(
      info
        .getPoliciesList()
        .map((p) => p.getName())
        .sort(),
      rules.map((r) => r.name).sort(),
    );
    const open = info.getPoliciesList().find((p) => p.getName() === "keyplane-no-open-restriction");
    assert.equal(open?.getEnforcementlevel(), 1 /* MANDATORY in pulumirpc.EnforcementLevel (proto/analyzer.proto) */);
  });

  it("Analyze: an open AMS restriction in prod is a mandatory violation of keyplane-no-open-restriction", async () => {
    const d = (await analyze("azure-native:media:ContentKeyPolicy", "ckp", openAms)).getDiagnosticsList();
    assert.deepEqual(
      d.map((x) => x.getPolicyname()),
      ["keyplane-no-open-restriction"],
    );
    assert.equal(d[0]?.getEnforcementlevel(), 1 /* MANDATORY */);
    assert.equal(d[0]?.getPolicypackname(), PACK_NAME);
    assert.match(d[0]?.getMessage() ?? "", /open restriction.*\[options\[0\]\.restriction\]/);
  });

  it("Analyze: nothing for the same policy in a dev stack, nothing for a compliant log group", async () => {
    assert.equal(
      (await analyze("azure-native:media:ContentKeyPolicy", "ckp", openAms, "dev")).getDiagnosticsList().length,
      0,
    );
    assert.equal(
      (await analyze("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 90 })).getDiagnosticsList().length,
      0,
    );
  });
});
