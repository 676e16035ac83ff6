import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunction, prebuiltBundlePath, resolveEntry, REPO_ROOT } from "../../../components/shared/bundle";
import { KeyplaneError } from "../../../functions/errors";

describe("components/shared bundleFunction", function () {
  this.timeout(20_000);

  it("bundles an entry into one minified CommonJS file with every dependency inside, cached per process", () => {
    const a = bundleFunction("functions/runtimes/entries/cert-watchdog.ts");
    assert.equal(a.sizeBytes, Buffer.byteLength(a.code));
    assert.match(a.code, /module\.exports/);
    assert.ok(
      !a.code.includes('require("@aws-sdk/client-acm")'),
      "@aws-sdk is bundled (pinned), not taken from the runtime",
    );
    assert.ok(a.code.includes("DescribeCertificate"));
    assert.equal(bundleFunction("functions/runtimes/entries/cert-watchdog.ts"), a, "second call hits the cache");
  });

  it("can leave @aws-sdk to the Lambda runtime when asked", () => {
    const b = bundleFunction("functions/runtimes/entries/cert-watchdog.ts", { external: ["@aws-sdk/*"] });
    assert.ok(b.code.includes('require("@aws-sdk/client-acm")'));
    assert.ok(b.sizeBytes < bundleFunction("functions/runtimes/entries/cert-watchdog.ts").sizeBytes);
  });

  it("fails with BUNDLE_FAILED naming the problem", () => {
    assert.throws(
      () => bundleFunction("functions/runtimes/entries/does-not-exist.ts"),
      (e: unknown) => e instanceof KeyplaneError && e.code === "BUNDLE_FAILED" && /Could not resolve/.test(e.message),
    );
    assert.equal(resolveEntry("functions/x.ts"), `${REPO_ROOT}/functions/x.ts`);
    assert.equal(resolveEntry("/abs/x.ts"), "/abs/x.ts");
  });

  it("reads a prebuilt entry only when running compiled from the package, for default options (dist/bundles/<name>.js)", () => {
    const entry = "functions/runtimes/entries/speke.ts";
    assert.equal(prebuiltBundlePath(entry), undefined, "from source (this repository) esbuild always bundles");
    const tmp = mkdtempSync(join(tmpdir(), "keyplane-prebuilt-"));
    try {
      const dir = join(tmp, "dist", "components", "shared");
      const file = join(dir, "bundle.js");
      mkdirSync(dir, { recursive: true });
      mkdirSync(join(tmp, "dist", "bundles"));
      writeFileSync(join(tmp, "dist", "bundles", "speke.js"), "exports.handler=1");
      assert.equal(prebuiltBundlePath(entry, {}, dir, file), join(tmp, "dist", "bundles", "speke.js"));
      assert.equal(
        prebuiltBundlePath(entry, { external: ["@aws-sdk/*"] }, dir, file),
        undefined,
        "other options: bundle from source",
      );
      assert.equal(prebuiltBundlePath(entry, { define: { X: "1" } }, dir, file), undefined);
      assert.equal(
        prebuiltBundlePath("functions/runtimes/entries/delivery.ts", {}, dir, file),
        undefined,
        "not prebuilt: bundle from source",
      );
      assert.equal(
        prebuiltBundlePath("bench/support/server.ts", {}, dir, file),
        undefined,
        "only functions/runtimes/entries/*",
      );
      assert.equal(
        prebuiltBundlePath(entry, {}, dir, join(dir, "bundle.ts")),
        undefined,
        "a .ts module is the source tree",
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
