import assert from "node:assert/strict";
import { createLogger, redact } from "../../functions/log";
import { KeySeed } from "../../functions/keys/seed";
import { MICROSOFT_TEST_SEED_B64 } from "../support/seed";

describe("log", () => {
  it("writes one JSON line per event with the base fields and the event name", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), base: { requestId: "r-1" } }).child({ contentId: "movie" });
    log.info("speke_request", { keyCount: 2 });
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0]!);
    assert.equal(rec.event, "speke_request");
    assert.equal(rec.requestId, "r-1");
    assert.equal(rec.contentId, "movie");
    assert.equal(rec.keyCount, 2);
    assert.equal(rec.level, "info");
  });

  it("never writes values under sensitive field names, however deep", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    const secrets = ["s3cr3t-token-value", "AAAABBBBCCCCDDDDEEEEFFFF", "hunter2", "vendor-key-123"];
    log.warn("oops", {
      token: secrets[0],
      contentKey: secrets[1],
      nested: {
        password: secrets[2],
        headers: { Authorization: `Bearer ${secrets[0]}`, "X-AxDRM-Message": secrets[0] },
      },
      list: [{ apiKey: secrets[3] }],
      kid: "ad13f9ea-2be6-98b8-75f5-04a8e3ccea64",
    });
    for (const s of secrets) assert.ok(!lines[0]!.includes(s), `leaked ${s}`);
    assert.ok(lines[0]!.includes("ad13f9ea-2be6-98b8-75f5-04a8e3ccea64"), "KIDs are identifiers and stay visible");
  });

  it("prints buffers as a length and a KeySeed as redacted", () => {
    const seed = KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64);
    const out = JSON.stringify(redact({ body: Buffer.from("secret bytes"), s: seed }));
    assert.ok(!out.includes("secret bytes"));
    assert.ok(!out.includes(MICROSOFT_TEST_SEED_B64.slice(0, 8)));
    assert.ok(out.includes("[12 bytes]"));
  });

  it("drops events below the configured level", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), level: "warn" });
    log.info("x");
    log.debug("y");
    log.error("z");
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).event),
      ["z"],
    );
  });
});
