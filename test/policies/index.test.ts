/**
 * The policy pack as the Pulumi CLI drives it: the pack process is started the way `pulumi preview --policy-pack`
 * starts it (it serves gRPC on loopback and prints its port), then resources go through the real `Analyze` RPC of
 * @pulumi/policy's analyzer server.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzerResourceOptions, type AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

const POLICIES = join(__dirname, "..", "..", "policies");

describe("policies/index (served by the policy pack runtime)", function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let client: AnalyzerClient | undefined;

  before(async () => {
    child = spawn(process.execPath, ["--import=tsx", "index.ts"], { cwd: POLICIES, env: { ...process.env, KEYPLANE_SERVE_POLICY_PACK: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child!.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child!.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      child!.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${err}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  after(() => {
    client?.close();
    child?.kill();
  });

  function analyze(type: string, name: string, props: Record<string, unknown>, stack = "prod"): Promise<AnalyzeResponse> {
    const req = new AnalyzeRequest().setType(type).setName(name).setUrn(`urn:pulumi:${stack}::keyplane::${type}::${name}`).setProperties(Struct.fromJavaScript(props as Record<string, never>)).setOptions(new AnalyzerResourceOptions());
    return new Promise((resolve, reject) => client!.analyze(req, (e, r) => (e ? reject(e) : resolve(r))));
  }

  it("reports an open AMS restriction in prod as a mandatory violation of keyplane-no-open-restriction", async () => {
    const r = await analyze("azure-native:media:ContentKeyPolicy", "ckp", {
      accountName: "a",
      resourceGroupName: "g",
      options: [{ name: "ck", configuration: { odataType: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration" }, restriction: { odataType: "#Microsoft.Media.ContentKeyPolicyOpenRestriction" } }],
    });
    const d = r.getDiagnosticsList();
    assert.deepEqual(d.map((x) => x.getPolicyname()), ["keyplane-no-open-restriction"]);
    assert.equal(d[0]?.getEnforcementlevel(), 1 /* MANDATORY in pulumirpc.EnforcementLevel */);
    assert.match(d[0]?.getMessage() ?? "", /open restriction.*\[options\[0\]\.restriction\]/);
  });

  it("reports nothing for the same policy in dev, and nothing for a compliant log group", async () => {
    const open = { accountName: "a", resourceGroupName: "g", options: [{ name: "ck", configuration: { odataType: "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration" }, restriction: { odataType: "#Microsoft.Media.ContentKeyPolicyOpenRestriction" } }] };
    assert.equal((await analyze("azure-native:media:ContentKeyPolicy", "ckp", open, "dev")).getDiagnosticsList().length, 0);
    assert.equal((await analyze("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 90 })).getDiagnosticsList().length, 0);
  });
});
