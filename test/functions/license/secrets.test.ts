/** Secret references resolved from env, memory, and AWS Secrets Manager (the real SDK against a loopback HTTP server). */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { KeyplaneError } from "../../../functions/errors";
import {
  awsSecretsManagerResolver,
  decodeSecretBytes,
  describeSecretRef,
  envSecretResolver,
  memorySecretResolver,
} from "../../../functions/license/secrets";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:license-AbCdEf";
const unavailable = (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_UNAVAILABLE";

describe("license/secrets", () => {
  it("env resolver reads variables, applies jsonKey, and names the variable (not the value) on failure", async () => {
    const r = envSecretResolver({ EZ: "s3cr3t-value", JSONY: JSON.stringify({ token: "inner-value" }) });
    assert.equal(await r.resolve({ env: "EZ" }), "s3cr3t-value");
    assert.equal(await r.resolve({ env: "JSONY", jsonKey: "token" }), "inner-value");
    await assert.rejects(
      r.resolve({ env: "MISSING" }),
      (e: unknown) => unavailable(e) && (e as Error).message.includes("env:MISSING"),
    );
    await assert.rejects(
      r.resolve({ env: "EZ", jsonKey: "token" }),
      (e: unknown) => unavailable(e) && !(e as Error).message.includes("s3cr3t"),
    );
    await assert.rejects(r.resolve({ secretsManagerArn: ARN }), unavailable);
  });

  it("memory resolver (tests) serves env names and ARNs", async () => {
    const r = memorySecretResolver({ EZ: "a", [`secretsmanager:${ARN}`]: "b" });
    assert.equal(await r.resolve({ env: "EZ" }), "a");
    assert.equal(await r.resolve({ secretsManagerArn: ARN }), "b");
    await assert.rejects(r.resolve({ env: "NOPE" }), unavailable);
    assert.equal(describeSecretRef({ secretsManagerArn: ARN, jsonKey: "k" }), `secretsmanager:${ARN}#k`);
  });

  describe("AWS Secrets Manager resolver (real SDK, loopback endpoint)", () => {
    let server: Server;
    let endpoint = "";
    const calls: { target: string | undefined; body: string }[] = [];
    before(async () => {
      server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          calls.push({ target: req.headers["x-amz-target"] as string | undefined, body });
          const id = (JSON.parse(body) as { SecretId: string }).SecretId;
          if (id === ARN) {
            res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
            res.end(
              JSON.stringify({
                ARN,
                Name: "license",
                SecretString: JSON.stringify({ comKey: "from-secrets-manager" }),
              }),
            );
          } else {
            res.writeHead(400, {
              "content-type": "application/x-amz-json-1.1",
              "x-amzn-errortype": "ResourceNotFoundException",
            });
            res.end(
              JSON.stringify({
                __type: "ResourceNotFoundException",
                message: "Secrets Manager can't find the specified secret.",
              }),
            );
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    const client = () =>
      new SecretsManagerClient({
        endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test" },
        maxAttempts: 1,
      });

    it("calls GetSecretValue with the ARN and returns the (jsonKey-selected) SecretString", async () => {
      const r = awsSecretsManagerResolver({ client: client(), env: {} });
      assert.equal(await r.resolve({ secretsManagerArn: ARN, jsonKey: "comKey" }), "from-secrets-manager");
      assert.equal(calls.at(-1)!.target, "secretsmanager.GetSecretValue");
      assert.deepEqual(JSON.parse(calls.at(-1)!.body), { SecretId: ARN });
    });

    it("maps a service error to SECRET_UNAVAILABLE naming the ARN; env references still go to env", async () => {
      const other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing-XyZ123";
      const r = awsSecretsManagerResolver({ client: client(), env: { EZ: "from-env" } });
      await assert.rejects(
        r.resolve({ secretsManagerArn: other }),
        (e: unknown) => unavailable(e) && (e as Error).message.includes(other),
      );
      assert.equal(await r.resolve({ env: "EZ" }), "from-env");
    });
  });

  describe("decodeSecretBytes", () => {
    it("hex, base64 and auto detection", () => {
      // castLabs' guide: the DRMtoday secret "74657374" x16 in hex is the ASCII text "test" x16.
      assert.ok(decodeSecretBytes("74657374".repeat(16), "hex", "s").equals(Buffer.from("test".repeat(16))));
      // Axinom's documentation sample communication key is base64 of 32 bytes.
      assert.equal(decodeSecretBytes("RPSdG/fViTkTjcuG3fcRXL2JDchGThWQ/tfSNHAoG+A=", "auto", "s").length, 32);
      assert.ok(decodeSecretBytes("ab".repeat(32), "auto", "s").equals(Buffer.alloc(32, 0xab)));
      assert.ok(
        decodeSecretBytes(Buffer.alloc(32, 1).toString("base64url"), "base64", "s").equals(Buffer.alloc(32, 1)),
      );
    });

    it("refuses non-canonical or wrong encodings instead of guessing", () => {
      const invalid = (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_INVALID";
      assert.throws(() => decodeSecretBytes("xyz", "hex", "s"), invalid);
      assert.throws(() => decodeSecretBytes("abc", "hex", "s"), invalid);
      assert.throws(() => decodeSecretBytes("RPSdG/fViTkTjcuG3fcRXL2JDchGThWQ/tfSNHAoG+B=", "base64", "s"), invalid);
      assert.throws(() => decodeSecretBytes("not base64!", "auto", "s"), invalid);
    });
  });
});
