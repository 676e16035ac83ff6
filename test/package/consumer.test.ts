/**
 * The package as a user gets it (issue 15): `npm pack` (which runs `prepack` -> `npm run build`), the tarball installed
 * into a new Pulumi TypeScript program outside the repository (test/package/consumer/: the README's example, with the
 * tsconfig of Pulumi's aws-typescript template) next to the AWS peers only, then
 *  (a) the consumer's own strict tsc (no skipLibCheck) compiles it and plain node runs the JS under Pulumi mocks;
 *  (b) the same index.ts runs through ts-node registered as @pulumi/pulumi's language host registers it
 *      (cmd/run/run.js; ts-node does not compile .ts inside node_modules, so the package must ship JS + .d.ts);
 * both create the SpekeKeyServer + KeyDeliveryApi resources and outputs. Also: the tarball holds only dist/, the
 * configuration's JSON Schema (`keyplane/config.schema.json`), README, LICENSE and package.json; the Lambda code deployed from the package is byte-identical to what bundleFunction builds
 * from source; no esbuild, tsx or @pulumi/azure-native is needed; every subpath imports without side effects.
 * Nothing here sets the `keyplane-source` condition: consumers never do.
 */
import { runCommand, type CommandResult } from "../support/process";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DELIVERY_ENTRY, SPEKE_ENTRY } from "../../components/aws";
import { bundleFunction, REPO_ROOT } from "../../components/shared/bundle";

const FIXTURE = join(__dirname, "consumer");
const TSC = require.resolve("typescript/bin/tsc");
const devPin = (name: string): string =>
  (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> })
    .devDependencies[name]!;

/** The environment of a process outside the repository: no npm_* variables of the `npm test` running us, no NODE_OPTIONS. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^npm_/i.test(k) && k !== "NODE_OPTIONS" && k !== "INIT_CWD") env[k] = v;
  return env;
}

function run(cmd: string, args: string[], cwd: string): Promise<CommandResult> {
  return runCommand(cmd, args, { cwd, env: cleanEnv() });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  assert.equal(
    r.code,
    0,
    `${cmd} ${args.join(" ")} failed (${r.code}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-4000)}`,
  );
  return r.stdout;
}

interface ProgramRun {
  resources: { type: string; name: string; codeSha256?: string }[];
  outputs: Record<string, unknown>;
  tsnode?: { typescript: string; tsNode: string };
}

describe("package: keyplane installed from its tarball into a Pulumi TypeScript program", function () {
  this.timeout(600_000);
  let tmp = "";
  let app = "";
  let packed: { files: { path: string }[]; filename: string; entryCount: number };

  before(async function () {
    try {
      execFileSync("npm", ["--version"], { env: cleanEnv(), stdio: "ignore" });
    } catch {
      process.stdout.write(
        "      SKIPPED: npm is not on PATH, so the package cannot be packed (test/package/consumer.test.ts)\n",
      );
      this.skip();
    }
    tmp = mkdtempSync(join(tmpdir(), "keyplane-consumer-"));
    const out = await ok("npm", ["pack", "--json", "--pack-destination", tmp], REPO_ROOT);
    packed = (JSON.parse(out.slice(out.indexOf("["))) as (typeof packed)[])[0]!;

    app = join(tmp, "app");
    mkdirSync(app);
    for (const f of ["index.ts", "tsconfig.json", "Pulumi.yaml", "run-mocks.js"])
      copyFileSync(join(FIXTURE, f), join(app, f));
    // A type-only file reaching every subpath but keyplane/azure (its peer, @pulumi/azure-native, is not installed).
    writeFileSync(
      join(app, "subpaths.ts"),
      [
        'import type * as core from "keyplane/core";',
        'import type * as pack from "keyplane/policy-pack";',
        'import type * as review from "keyplane/review";',
        'import type { ContentKeyPolicy } from "keyplane";',
        "export type Used = [core.KeyplaneConfig, pack.Finding, review.ReviewOptions, ContentKeyPolicy];",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify(
        {
          name: "keyplane-consumer",
          private: true,
          main: "index.ts",
          dependencies: {
            keyplane: `file:${join(tmp, packed.filename)}`,
            "@pulumi/pulumi": devPin("@pulumi/pulumi"),
            "@pulumi/aws": devPin("@pulumi/aws"),
            "@pulumi/aws-native": devPin("@pulumi/aws-native"),
            "@pulumi/random": devPin("@pulumi/random"),
            // The optional peer of keyplane/policy-pack (its types are @pulumi/policy's), checked in subpaths.ts below.
            "@pulumi/policy": devPin("@pulumi/policy"),
          },
          devDependencies: { "@types/node": devPin("@types/node"), typescript: devPin("typescript") },
          allowScripts: { "@pulumi/aws-native": false, protobufjs: false },
        },
        null,
        2,
      ),
    );
    await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app);
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("packs only dist/, the configuration's JSON Schema, README.md, LICENSE and package.json, with the bin and every export target inside", () => {
    const files = packed.files.map((f) => f.path);
    const outside = files.filter(
      (p) =>
        !p.startsWith("dist/") &&
        !["schema/keyplane.config.schema.json", "README.md", "LICENSE", "package.json"].includes(p),
    );
    assert.deepEqual(outside, [], "npm pack ships nothing but the allow-list");
    for (const f of ["README.md", "LICENSE", "package.json", "dist/bin/keyplane.js"])
      assert.ok(files.includes(f), `${f} is packed`);
    const pkg = JSON.parse(readFileSync(join(app, "node_modules", "keyplane", "package.json"), "utf8")) as {
      exports: Record<string, string | Record<string, string>>;
      bin: Record<string, string>;
      private?: boolean;
    };
    assert.equal(pkg.private, undefined);
    for (const [sub, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") {
        assert.ok(files.includes(target.slice(2)), `${sub} -> ${target}`);
        continue;
      }
      for (const cond of ["types", "default"])
        assert.ok(files.includes(target[cond]!.slice(2)), `${sub} [${cond}] -> ${target[cond]} is packed`);
      assert.ok(
        !files.includes(target["keyplane-source"]!.slice(2)),
        "the repository-only keyplane-source targets are not shipped",
      );
    }
    assert.ok(files.includes(pkg.bin.keyplane!), "bin points at a packed file");
    assert.equal(
      readFileSync(join(app, "node_modules", "keyplane", "schema", "keyplane.config.schema.json"), "utf8"),
      readFileSync(join(REPO_ROOT, "schema", "keyplane.config.schema.json"), "utf8"),
      "keyplane/config.schema.json is the repository's JSON Schema",
    );
    assert.ok(
      !files.some((p) => /^dist\/(stacks\/(index|program|config)|test|lab|bench)\b/.test(p)),
      "no stack program, tests, lab or bench",
    );
  });

  it("(a) compiles with the consumer's strict tsconfig (no skipLibCheck) and runs the JS under mocks", async () => {
    const tsconfig = JSON.parse(readFileSync(join(app, "tsconfig.json"), "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    assert.equal(tsconfig.compilerOptions.strict, true);
    assert.equal(tsconfig.compilerOptions.skipLibCheck, undefined);
    await ok(process.execPath, [TSC, "-p", "tsconfig.json", "--pretty", "false"], app);
    // TypeScript's node16 resolution, where `exports` and its `types` conditions apply (the template's "node" resolution
    // reads typesVersions instead). subpaths.ts only, to keep @pulumi/aws's declarations out of a second compile.
    await ok(
      process.execPath,
      [
        TSC,
        "--noEmit",
        "--pretty",
        "false",
        "--strict",
        "--esModuleInterop",
        "--module",
        "node16",
        "--moduleResolution",
        "node16",
        "subpaths.ts",
      ],
      app,
    );
    assertProgram(JSON.parse(await ok(process.execPath, ["run-mocks.js", "js"], app)) as ProgramRun);
  });

  it("is the README's example, verbatim", () => {
    const body = readFileSync(join(FIXTURE, "index.ts"), "utf8")
      .split("\n")
      .filter((l, i, all) => !(l.startsWith("//") && all.slice(0, i).every((x) => x.startsWith("//"))))
      .join("\n")
      .trim();
    assert.ok(
      readFileSync(join(REPO_ROOT, "README.md"), "utf8").includes("```ts\n" + body + "\n```"),
      'README.md "Use Keyplane in your own Pulumi program" shows test/package/consumer/index.ts',
    );
  });

  it("(b) runs index.ts through ts-node as Pulumi's Node.js language host registers it", async () => {
    const r = JSON.parse(await ok(process.execPath, ["run-mocks.js", "ts-node"], app)) as ProgramRun;
    assert.ok(r.tsnode, "ts-node was registered");
    assertProgram(r);
  });

  it("deploys the prebuilt Lambda bundles, byte-identical to bundleFunction from source, without esbuild", async () => {
    const bundles = join(app, "node_modules", "keyplane", "dist", "bundles");
    const entries = readdirSync(join(REPO_ROOT, "functions", "runtimes", "entries")).filter((f) => f.endsWith(".ts"));
    assert.ok(entries.length >= 2);
    for (const f of entries) {
      const shipped = readFileSync(join(bundles, f.replace(/\.ts$/, ".js")), "utf8");
      assert.equal(
        shipped,
        bundleFunction(`functions/runtimes/entries/${f}`).code,
        `dist/bundles/${f} is what esbuild builds from source`,
      );
    }
    const r = JSON.parse(await ok(process.execPath, ["run-mocks.js", "js"], app)) as ProgramRun;
    const code = Object.fromEntries(r.resources.filter((x) => x.codeSha256).map((x) => [x.name, x.codeSha256]));
    assert.equal(code["keys-speke-fn"], bundleFunction(SPEKE_ENTRY).sha256);
    assert.equal(code["delivery-delivery-fn"], bundleFunction(DELIVERY_ENTRY).sha256);
  });

  it("`keyplane review` (the installed bin) reviews this project: its name, its TypeScript program, Markdown/JSON/SARIF", async () => {
    writeFileSync(join(app, "Pulumi.dev.yaml"), ["config:", "  aws:region: eu-west-1", ""].join("\n"));
    const bin = join(app, "node_modules", ".bin", "keyplane");
    const r = await run(
      bin,
      ["review", "--stack", "dev", "--json", "review.json", "--markdown", "review.md", "--sarif", "review.sarif"],
      app,
    );
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr.slice(-3000)}`);
    const json = JSON.parse(readFileSync(join(app, "review.json"), "utf8")) as {
      project: string;
      resources: { type: string }[];
    };
    assert.equal(json.project, "keyplane-consumer", "the consumer's project, read from its Pulumi.yaml");
    const types = json.resources.map((x) => x.type);
    assert.ok(
      types.includes("keyplane:aws:SpekeKeyServer") && types.includes("aws:lambda/function:Function"),
      "its index.ts ran (ts-node through its own @pulumi/pulumi)",
    );
    assert.match(readFileSync(join(app, "review.md"), "utf8"), /keyplane-consumer/);
    const sarif = JSON.parse(readFileSync(join(app, "review.sarif"), "utf8")) as {
      version: string;
      runs: { tool: { driver: { name: string } } }[];
    };
    assert.equal(sarif.version, "2.1.0");
    assert.ok(sarif.runs[0]!.tool.driver.name.length > 0);
  });

  it("imports every subpath with plain node and no side effects; keyplane/azure needs only its optional peer", async () => {
    const r = JSON.parse(await ok(process.execPath, ["run-mocks.js", "imports"], app)) as {
      esbuild: boolean;
      azureNative: boolean;
      subpaths: Record<string, { exports?: number; file?: string; error?: string; message?: string }>;
    };
    assert.equal(r.esbuild, false, "esbuild is a devDependency: not installed for consumers");
    assert.equal(r.azureNative, false, "an AWS-only consumer does not get @pulumi/azure-native");
    for (const sub of [
      "keyplane",
      "keyplane/aws",
      "keyplane/policy",
      "keyplane/core",
      "keyplane/policy-pack",
      "keyplane/review",
    ]) {
      const s = r.subpaths[sub]!;
      assert.ok(
        s.file?.startsWith("node_modules/keyplane/dist/") && (s.exports ?? 0) > 0,
        `${sub}: ${JSON.stringify(s)}`,
      );
    }
    assert.equal(r.subpaths["keyplane/azure"]!.error, "MODULE_NOT_FOUND");
    assert.match(r.subpaths["keyplane/azure"]!.message!, /@pulumi\/azure-native/);
    assert.ok(!existsSync(join(app, "node_modules", "tsx")), "tsx is not installed");
    const help = await ok(process.execPath, [join(app, "node_modules", ".bin", "keyplane"), "help"], app);
    assert.match(help, /^Usage: keyplane <command>/);
    const lab = await run(process.execPath, [join(app, "node_modules", ".bin", "keyplane"), "package"], app);
    assert.equal(lab.code, 2, "the lab packager is not shipped");
    assert.match(lab.stderr, /checkout of the Keyplane repository/);
  });
});

function assertProgram(r: ProgramRun): void {
  const count = (type: string) => r.resources.filter((x) => x.type === type).length;
  assert.equal(count("keyplane:aws:SpekeKeyServer"), 1);
  assert.equal(count("keyplane:aws:KeyDeliveryApi"), 1);
  assert.equal(count("aws:apigateway/restApi:RestApi"), 1, "SPEKE's AWS_IAM REST API");
  assert.equal(count("aws:apigatewayv2/api:Api"), 1, "key delivery's HTTP API");
  assert.equal(count("aws:lambda/function:Function"), 2);
  assert.equal(count("aws:secretsmanager/secret:Secret"), 1, "one key seed, shared");
  assert.deepEqual(r.outputs, {
    spekeUrl: "https://keys-stage-id.execute-api.eu-west-1.amazonaws.com/v1/speke",
    packagerRoleArn: "arn:aws:iam::123456789012:role/keys-packager",
    clearKeyLicenseUrl: "https://delivery-api-id.execute-api.eu-west-1.amazonaws.com/clearkey",
  });
}
