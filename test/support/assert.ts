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

/** The message of the error `fn` throws; fails the test when it throws nothing. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return assert.fail("expected an error");
}
