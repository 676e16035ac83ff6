import * as assert from "node:assert/strict";
import { bundleFunction, resolveEntry, REPO_ROOT } from "../../../components/shared/bundle";
import { KeyplaneError } from "../../../functions/errors";

describe("components/shared bundleFunction", function () {
  this.timeout(20_000);

  it("bundles an entry into one minified CommonJS file with every dependency inside, cached per process", () => {
    const a = bundleFunction("functions/runtimes/entries/cert-watchdog.ts");
    assert.equal(a.sizeBytes, Buffer.byteLength(a.code));
    assert.match(a.code, /module\.exports/);
    assert.ok(!a.code.includes('require("@aws-sdk/client-acm")'), "@aws-sdk is bundled (pinned), not taken from the runtime");
    assert.ok(a.code.includes("DescribeCertificate"));
    assert.equal(bundleFunction("functions/runtimes/entries/cert-watchdog.ts"), a, "second call hits the cache");
  });

  it("can leave @aws-sdk to the Lambda runtime when asked", () => {
    const b = bundleFunction("functions/runtimes/entries/cert-watchdog.ts", { external: ["@aws-sdk/*"] });
    assert.ok(b.code.includes('require("@aws-sdk/client-acm")'));
    assert.ok(b.sizeBytes < bundleFunction("functions/runtimes/entries/cert-watchdog.ts").sizeBytes);
  });

  it("fails with BUNDLE_FAILED naming the problem", () => {
    assert.throws(() => bundleFunction("functions/runtimes/entries/does-not-exist.ts"), (e: unknown) => e instanceof KeyplaneError && e.code === "BUNDLE_FAILED" && /Could not resolve/.test(e.message));
    assert.equal(resolveEntry("functions/x.ts"), `${REPO_ROOT}/functions/x.ts`);
    assert.equal(resolveEntry("/abs/x.ts"), "/abs/x.ts");
  });
});
