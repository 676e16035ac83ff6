/**
 * Where the project's shared reference material lives (`shared/` beside the repository: DOMAIN.md, SPEKE conformance
 * requests, CPIX XSDs). CI clones the repository into a fresh folder with a copy of `shared/` beside it and sets
 * `KEYPLANE_REQUIRE_SHARED=1` (then a missing folder is an error); `KEYPLANE_SHARED_DIR` points elsewhere.
 *
 * A user's clone has nothing beside it: suites that need the material are declared with `describeShared`, which
 * skips them with a visible message (mocha lists their tests as pending) instead of failing.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const REPO_ROOT = resolve(__dirname, "..", "..");

function findShared(): string | undefined {
  const candidates = [process.env.KEYPLANE_SHARED_DIR, resolve(REPO_ROOT, "..", "shared")].filter(
    (p): p is string => !!p,
  );
  for (const c of candidates) if (existsSync(join(c, "conformance"))) return c;
  if (process.env.KEYPLANE_REQUIRE_SHARED === "1") {
    throw new Error(
      `shared/ not found (looked in ${candidates.join(", ")}); CI needs the conformance data beside the repository`,
    );
  }
  return undefined;
}

/** The shared folder, or undefined when this clone has none beside it. */
export const SHARED_DIR: string | undefined = findShared();
const BASE = SHARED_DIR ?? resolve(REPO_ROOT, "..", "shared");
export const CONFORMANCE_DIR = join(BASE, "conformance");
export const SPEKE_REQUESTS_DIR = join(CONFORMANCE_DIR, "speke-requests");
export const CPIX_XSD = join(CONFORMANCE_DIR, "cpix-xsd", "cpix.xsd");

export const SHARED_MISSING_MESSAGE =
  "needs ../shared (SPEKE conformance requests, CPIX XSDs) beside the repository, or KEYPLANE_SHARED_DIR: not found, skipped";

let warned = false;
/** `describe`, skipped with a visible message when the shared folder is absent. */
export function describeShared(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite {
  if (SHARED_DIR) return describe(title, fn);
  if (!warned) {
    warned = true;
    process.stderr.write(`\n  NOTE: suites that ${SHARED_MISSING_MESSAGE} (listed as pending)\n`);
  }
  return describe(title, () => {
    it(`(${SHARED_MISSING_MESSAGE})`);
  });
}

/** `it`, listed as pending with the same message when the shared folder is absent. */
export function itShared(title: string, fn: Mocha.AsyncFunc | Mocha.Func): Mocha.Test {
  return SHARED_DIR ? it(title, fn) : it(`${title} (${SHARED_MISSING_MESSAGE})`);
}
