import assert from "node:assert/strict";
import { isKeyplaneError } from "../../functions/errors";

/** Asserts that `fn` throws a KeyplaneError with `code` (and, if given, a message matching `re`). */
export function throwsKeyplaneError(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isKeyplaneError(e), `expected a KeyplaneError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (re) assert.match(e.message, re);
    return true;
  });
}
