import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../../policy-pack";
import { plainInputs, recordProgram } from "../../review/record";

/** A raw custom resource of any type token (CustomResource is abstract in the SDK typings). */
class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

describe("review/record", () => {
  it("unwraps Pulumi's serialized secrets and reduces assets (signature values from the Pulumi gRPC property encoding)", () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { a: 1 } };
    const asset = { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", text: "x" };
    assert.deepEqual(plainInputs({ s: secret, list: [secret], code: asset }), {
      s: { a: 1 },
      list: [{ a: 1 }],
      code: "[asset]",
    });
  });

  it("records resources a program registers on the mock runtime, with config and secrets, and the rules see them", async () => {
    const rec = await recordProgram(
      () => {
        const cfg = new pulumi.Config("keyplane");
        const days = cfg.requireNumber("days");
        new Raw("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: pulumi.secret(days) });
        const parent = new pulumi.ComponentResource("keyplane:test:Thing", "thing");
        new Raw(
          "aws:lambda/function:Function",
          "fn",
          { environment: { variables: { VENDOR_API_KEY: cfg.requireSecret("apiKey") } } },
          { parent },
        );
        return { ok: true };
      },
      {
        project: "keyplane",
        stack: "ci",
        config: { "keyplane:days": "0", "keyplane:apiKey": "k-123" },
        secretKeys: ["keyplane:apiKey"],
      },
    );
    const custom = rec.resources.filter((r) => r.custom);
    assert.deepEqual(custom.map((r) => [r.type, r.name]).sort(), [
      ["aws:cloudwatch/logGroup:LogGroup", "logs"],
      ["aws:lambda/function:Function", "fn"],
    ]);
    assert.ok(rec.resources.some((r) => !r.custom && r.type === "keyplane:test:Thing"));
    const fn = custom.find((r) => r.name === "fn");
    assert.equal(fn?.urn, "urn:pulumi:ci::keyplane::aws:lambda/function:Function::fn");
    assert.deepEqual(fn?.props, { environment: { variables: { VENDOR_API_KEY: "k-123" } } });
    const rules = evaluate(rec.resources)
      .map((f) => `${f.rule}:${f.resource.name}`)
      .sort();
    assert.deepEqual(rules, ["keyplane-log-retention:logs", "keyplane-no-plaintext-secrets-in-function-env:fn"]);
  });

  it("turns a failing program into a program_failed error", async () => {
    await assert.rejects(
      recordProgram(
        () => {
          throw new Error("boom");
        },
        { project: "keyplane", stack: "ci", config: {}, secretKeys: [] },
      ),
      (e: Error & { code?: string }) => e.code === "program_failed" && /boom/.test(e.message),
    );
  });

  it("reports a failed validation inside apply (an Output argument) as program_failed instead of hanging", async () => {
    await assert.rejects(
      recordProgram(
        () => {
          const late = pulumi.output(Promise.resolve("not-an-arn")).apply((v) => {
            if (!v.startsWith("arn:")) throw new Error(`Thing: roleArn "${v}" must be an IAM role ARN`);
            return v;
          });
          new Raw("aws:iam/rolePolicy:RolePolicy", "p", { role: late });
          return {};
        },
        { project: "keyplane", stack: "ci", config: {}, secretKeys: [] },
      ),
      (e: Error & { code?: string }) =>
        e.code === "program_failed" && /roleArn "not-an-arn" must be an IAM role ARN/.test(e.message),
    );
  });

  it("reports a real component's apply-time refusal (KeyDeliveryApi.corsAllowOrigins from an Output) as program_failed", async () => {
    const { KeyDeliveryApi } = await import("keyplane/aws");
    await assert.rejects(
      recordProgram(
        () => {
          new KeyDeliveryApi("kd", {
            keySeedSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:seed-AbCdEf",
            policies: [
              {
                name: "open",
                options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
              },
            ],
            defaultPolicy: "open",
            corsAllowOrigins: pulumi.output(Promise.resolve(["*"])),
          });
          return {};
        },
        { project: "keyplane", stack: "ci", config: {}, secretKeys: [] },
      ),
      (e: Error & { code?: string }) =>
        e.code === "program_failed" && /KeyDeliveryApi/.test(e.message) && /corsAllowOrigins/.test(e.message),
    );
  });
});
