/*
 * Runs the consumer program (index.ts next to this file) under Pulumi mocks with plain node, from inside the consumer
 * project, so every module resolves from the consumer's node_modules exactly as for the user. Prints one JSON line.
 *   node run-mocks.js js       the program compiled by the consumer's tsc (bin/index.js)
 *   node run-mocks.js ts-node  index.ts through ts-node, registered the way @pulumi/pulumi's Node.js language host does
 *                              it (cmd/run/run.js: tsutils.typeScriptRequireStrings + loadTypeScriptCompilerOptions)
 *   node run-mocks.js imports  imports every keyplane/* subpath without mocks or Pulumi config (no side effects)
 */

const { createHash } = require("node:crypto");
const path = require("node:path");

const mode = process.argv[2];
const resolvable = (id) => {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
};

async function imports() {
  const result = { esbuild: resolvable("esbuild"), azureNative: resolvable("@pulumi/azure-native"), subpaths: {} };
  for (const sub of [
    "keyplane",
    "keyplane/aws",
    "keyplane/policy",
    "keyplane/core",
    "keyplane/policy-pack",
    "keyplane/review",
    "keyplane/azure",
    "keyplane/package.json",
  ]) {
    try {
      const m = require(sub);
      result.subpaths[sub] = { exports: Object.keys(m).length, file: path.relative(__dirname, require.resolve(sub)) };
    } catch (e) {
      result.subpaths[sub] = { error: e.code || "ERROR", message: String(e.message).split("\n")[0] };
    }
  }
  return result;
}

async function program() {
  const pulumi = require("@pulumi/pulumi");
  const resources = [];
  const arn = (svc, res) => `arn:aws:${svc}:eu-west-1:123456789012:${res}`;
  await pulumi.runtime.setMocks(
    {
      async newResource(a) {
        const s = { ...a.inputs, name: a.inputs.name ?? a.name };
        const id = `${a.name}-id`;
        const entry = { type: a.type, name: a.name };
        resources.push(entry);
        // A Lambda function's code: the AssetArchive { "index.js": StringAsset } the component built from the bundle.
        const archive = a.type === "aws:lambda/function:Function" ? a.inputs.code : undefined;
        if (archive?.assets) {
          const assets = await archive.assets;
          const text = assets["index.js"] && (await assets["index.js"].text);
          if (typeof text === "string") entry.codeSha256 = createHash("sha256").update(text).digest("base64");
        }
        switch (a.type) {
          case "aws:iam/role:Role":
            return { id, state: { ...s, arn: `arn:aws:iam::123456789012:role/${a.name}` } };
          case "aws:apigateway/restApi:RestApi":
            return {
              id,
              state: { ...s, rootResourceId: "root", executionArn: arn("execute-api", id), arn: arn("apigateway", id) },
            };
          case "aws:apigateway/stage:Stage":
            return {
              id,
              state: {
                ...s,
                invokeUrl: `https://${id}.execute-api.eu-west-1.amazonaws.com/${s.stageName}`,
                arn: arn("apigateway", id),
              },
            };
          case "aws:apigatewayv2/api:Api":
            return {
              id,
              state: {
                ...s,
                apiEndpoint: `https://${id}.execute-api.eu-west-1.amazonaws.com`,
                executionArn: arn("execute-api", id),
                arn: arn("apigateway", id),
              },
            };
          case "aws:secretsmanager/secret:Secret":
            return { id, state: { ...s, arn: arn("secretsmanager", `secret:${a.name}-AbCdEf`) } };
          case "aws:dynamodb/table:Table":
            return { id, state: { ...s, arn: arn("dynamodb", `table/${a.name}`) } };
          case "random:index/randomBytes:RandomBytes":
            return { id, state: { ...s, base64: Buffer.alloc(30, 7).toString("base64"), hex: "07".repeat(30) } };
          default:
            return { id, state: { ...s, arn: arn(a.type.split(":")[1].split("/")[0], a.name) } };
        }
      },
      call(a) {
        if (a.token === "aws:index/getCallerIdentity:getCallerIdentity")
          return {
            accountId: "123456789012",
            arn: "arn:aws:iam::123456789012:user/ci",
            userId: "AID",
            id: "123456789012",
          };
        if (a.token === "aws:index/getRegion:getRegion")
          return { name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" };
        if (a.token === "aws:index/getPartition:getPartition")
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        return a.inputs;
      },
    },
    "keyplane-consumer",
    "dev",
    false,
  );

  let mod;
  let tsnode;
  if (mode === "js") {
    mod = require("./bin/index.js");
  } else {
    // What @pulumi/pulumi's cmd/run/run.js does for a TypeScript project (CommonJS branch), minus the engine.
    const tsutils = require("@pulumi/pulumi/tsutils");
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const ts = require(typescriptRequire);
    const [major, minor] = ts.version.split(".").map(Number);
    const useNodeNext = major > 4 || (major === 4 && minor >= 7);
    require(tsnodeRequire).register({
      compiler: typescriptRequire,
      transpileOnly: compilerOptions.noCheck,
      project: "tsconfig.json",
      skipProject: false,
      compilerOptions: {
        target: "ES2020",
        module: useNodeNext ? "nodenext" : "commonjs",
        moduleResolution: useNodeNext ? "nodenext" : "node",
        sourceMap: "true",
        ...compilerOptions,
      },
    });
    mod = require("./index.ts");
    tsnode = { typescript: ts.version, tsNode: path.basename(tsnodeRequire) };
  }
  const outputs = {};
  for (const [k, v] of Object.entries(mod)) {
    outputs[k] = pulumi.Output.isInstance(v)
      ? await new Promise((res) =>
          v.apply((x) => {
            res(x);
            return x;
          }),
        )
      : v;
  }
  // Children register after their inputs resolve: let the mock runtime drain.
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  return { resources, outputs, ...(tsnode ? { tsnode } : {}) };
}

(mode === "imports" ? imports() : program()).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + "\n");
  },
  (e) => {
    process.stderr.write(`${e?.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  },
);
