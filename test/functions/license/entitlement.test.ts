import { strict as assert } from "node:assert";
import { KeyplaneError } from "../../../functions/errors";
import { entitledKids, tokenKids } from "../../../functions/license/entitlement";
import { kidToUuid } from "../../../functions/keys/kid";
import { CONTENT_KEY_IDENTIFIER_CLAIM } from "../../../functions/policy/model";

const A = "9eb4050d-e44b-4802-932e-27d75083e266";
const B = "80399bf5-8a21-4014-8053-e27e748e98c0";
const C = "90953e09-6cb2-49a3-a260-7a5fefead499";
const notEntitled = (e: unknown) => e instanceof KeyplaneError && e.code === "NOT_ENTITLED" && e.status === 403;
const uuids = (k: Buffer[]) => k.map(kidToUuid);

describe("license/entitlement: which KIDs a viewer gets", () => {
  it("reads the content key identifier claim and the kids claim, in UUID, hex or base64url form, deduplicated", () => {
    const hexB = B.replace(/-/g, "");
    const b64A = Buffer.from(A.replace(/-/g, ""), "hex").toString("base64url");
    assert.deepEqual(uuids(tokenKids({ [CONTENT_KEY_IDENTIFIER_CLAIM]: b64A, kids: [hexB, A.toUpperCase()] })), [A, B]);
    assert.deepEqual(uuids(tokenKids({ kids: C })), [C]);
    assert.deepEqual(tokenKids({}), []);
  });

  it("token KIDs are intersected with the policy binding", () => {
    assert.deepEqual(uuids(entitledKids({ kids: [A, C] }, [A, B])), [A]);
    assert.throws(() => entitledKids({ kids: [C] }, [A, B]), notEntitled);
  });

  it("token KIDs stand alone without a binding; the binding stands alone without token KIDs", () => {
    assert.deepEqual(uuids(entitledKids({ kids: [C] }, undefined)), [C]);
    assert.deepEqual(uuids(entitledKids({}, [A, B])), [A, B]);
  });

  it("nothing to entitle -> 403, unless KIDs are optional (DRMtoday with an asset claim)", () => {
    assert.throws(() => entitledKids({}, undefined), notEntitled);
    assert.deepEqual(entitledKids({}, undefined, { required: false }), []);
    assert.throws(() => entitledKids({ kids: [C] }, [A], { required: false }), notEntitled);
  });

  it("a malformed KID in the token is refused, not skipped", () => {
    assert.throws(() => entitledKids({ kids: [A, "not-a-kid"] }, [A]), notEntitled);
    assert.throws(() => entitledKids({ kids: [42] }, [A]), notEntitled);
    assert.throws(() => entitledKids({ [CONTENT_KEY_IDENTIFIER_CLAIM]: "zz" }, [A]), notEntitled);
  });
});
