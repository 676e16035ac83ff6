import { strict as assert } from "node:assert";
import { secretsManagerReader } from "../../../functions/aws/secrets";

/** A stub with the client's `send` shape; records the GetSecretValue input. */
function stub(out: Record<string, unknown> | Error) {
  const ids: unknown[] = [];
  const client = {
    send: async (cmd: { input: { SecretId?: string } }) => {
      ids.push(cmd.input.SecretId);
      if (out instanceof Error) throw out;
      return out;
    },
  };
  return { client: client as never, ids };
}

describe("aws/secrets: secretsManagerReader", () => {
  it("sends GetSecretValue with the ARN and returns the SecretString", async () => {
    const s = stub({ SecretString: "text" });
    const r = secretsManagerReader({ client: s.client });
    assert.equal(await r.getSecretString("arn:a"), "text");
    assert.equal(await r.getSecretString("arn:b"), "text");
    assert.deepEqual(s.ids, ["arn:a", "arn:b"]);
  });

  it("SecretBinary is read as UTF-8 text only when asked", async () => {
    const out = { SecretBinary: new Uint8Array(Buffer.from("bin-text")) };
    assert.equal(await secretsManagerReader({ client: stub(out).client }).getSecretString("arn:x"), undefined);
    assert.equal(
      await secretsManagerReader({ client: stub(out).client, binaryAsText: true }).getSecretString("arn:x"),
      "bin-text",
    );
  });

  it("lets SDK errors through unchanged for the caller to map", async () => {
    await assert.rejects(
      secretsManagerReader({ client: stub(new Error("throttled")).client }).getSecretString("arn:x"),
      /throttled/,
    );
  });
});
