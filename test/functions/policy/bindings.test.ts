/** Key-delivery policy bindings: validation errors name the bad path; resolution order KID > content id > default. */
import assert from "node:assert/strict";
import { parseKeyDeliveryPolicies, PolicyIndex, optionsFor } from "../../../functions/policy/bindings";
import { KeyplaneError } from "../../../functions/errors";

const open = (name: string) => ({
  name,
  options: [{ name: "ck", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
});
const K1 = "11111111-1111-4111-8111-111111111111";

function err(input: unknown): string {
  try {
    parseKeyDeliveryPolicies(input, "policies.json");
  } catch (e) {
    assert.ok(e instanceof KeyplaneError);
    assert.equal(e.code, "POLICY_INVALID");
    return e.message;
  }
  assert.fail("expected POLICY_INVALID");
}

describe("key-delivery policy bindings", () => {
  it("resolves a KID binding first, then the content id, then the default", () => {
    const idx = new PolicyIndex(
      parseKeyDeliveryPolicies({
        policies: [open("a"), open("b"), open("c")],
        bindings: [
          { policy: "a", kids: [K1.replace(/-/g, "").toUpperCase()] },
          { policy: "b", contentIds: ["movie"] },
        ],
        defaultPolicy: "c",
      }),
    );
    const kid = Buffer.from(K1.replace(/-/g, ""), "hex");
    assert.equal(idx.policyFor({ kid, contentId: "movie" })?.name, "a");
    assert.equal(idx.policyFor({ kid: Buffer.alloc(16), contentId: "movie" })?.name, "b");
    assert.equal(idx.policyFor({ kid: Buffer.alloc(16) })?.name, "c");
    assert.equal(optionsFor(idx.policy("a")!, "ClearKey").length, 1);
    assert.equal(optionsFor(idx.policy("a")!, "Widevine").length, 0);
  });

  it("fails closed with no default", () => {
    const idx = new PolicyIndex(
      parseKeyDeliveryPolicies({ policies: [open("a")], bindings: [{ policy: "a", kids: [K1] }] }),
    );
    assert.equal(idx.policyFor({ kid: Buffer.alloc(16) }), undefined);
  });

  it("names the bad path in errors", () => {
    assert.match(
      err({ policies: [open("a")], bindings: [{ policy: "zzz", kids: [K1] }] }),
      /policies\.json: bindings\.0\.policy: no policy named "zzz"/,
    );
    assert.match(
      err({ policies: [open("a")], bindings: [{ policy: "a", kids: ["nope"] }] }),
      /bindings\.0\.kids\.0: must be a KID/,
    );
    assert.match(err({ policies: [open("a")], defaultPolicy: "b" }), /defaultPolicy: no policy named "b"/);
    assert.match(err({ policies: [open("a"), open("a")] }), /policies\.1\.name: duplicate policy name/);
    assert.match(
      err({
        policies: [open("a"), open("b")],
        bindings: [
          { policy: "a", kids: [K1] },
          { policy: "b", kids: [K1] },
        ],
      }),
      /bindings\.1\.kids\.0: KID already bound/,
    );
    assert.match(
      err({ policies: [open("a")], bindings: [{ policy: "a" }] }),
      /bindings\.0: a binding needs kids or contentIds/,
    );
    assert.match(
      err({
        policies: [
          {
            name: "a",
            options: [
              {
                name: "t",
                configuration: { type: "ClearKey" },
                restriction: { type: "Token", issuer: "i", audience: "a", tokenType: "Jwt" },
              },
            ],
          },
        ],
      }),
      /policies\.0\.options\.0\.restriction/,
    );
    assert.match(err({ policies: [] }), /policies: /);
  });
});
