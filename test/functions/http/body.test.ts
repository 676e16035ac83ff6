import { strict as assert } from "node:assert";
import { KeyplaneError } from "../../../functions/errors";
import { declaredLengthExceeds, readBodyCapped, readStreamCapped } from "../../../functions/http/body";

const code = (c: string, status?: number) => (e: unknown) =>
  e instanceof KeyplaneError && e.code === c && (status === undefined || e.status === status);

/** A body streamed in chunks with no Content-Length; counts how many chunks were pulled. */
function chunked(
  chunks: number,
  size: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let n = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (n >= chunks) return controller.close();
      n++;
      controller.enqueue(new Uint8Array(size).fill(n));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => n, cancelled: () => cancelled };
}

describe("http/body: readBodyCapped", () => {
  it("reads a body up to and including the cap, byte for byte", async () => {
    const req = new Request("http://x/", { method: "POST", body: Buffer.from("0123456789") });
    assert.deepEqual(await readBodyCapped(req, 10), Buffer.from("0123456789"));
    assert.deepEqual(await readBodyCapped(new Request("http://x/"), 10), Buffer.alloc(0), "no body reads as empty");
  });

  it("refuses a declared Content-Length over the cap before reading: BODY_TOO_LARGE 413", async () => {
    const s = chunked(4, 8);
    await assert.rejects(readStreamCapped(s.stream, "11", 10), code("BODY_TOO_LARGE", 413));
    assert.equal(s.pulled(), 0, "nothing read");
    assert.equal(s.cancelled(), true);
  });

  it("counts a streamed body without Content-Length (or with a lying one) and stops at the cap", async () => {
    const a = chunked(100, 8);
    await assert.rejects(readStreamCapped(a.stream, null, 20), code("BODY_TOO_LARGE", 413));
    assert.ok(a.pulled() <= 4, `stopped early (pulled ${a.pulled()})`);
    assert.equal(a.cancelled(), true);
    const b = chunked(3, 8);
    await assert.rejects(readStreamCapped(b.stream, "5", 20), code("BODY_TOO_LARGE"));
    const c = chunked(3, 8);
    assert.equal((await readStreamCapped(c.stream, "garbage", 24)).length, 24);
  });

  it("takes the caller's error", async () => {
    const req = new Request("http://x/", { method: "POST", body: "x".repeat(5) });
    await assert.rejects(
      readBodyCapped(req, 4, { tooLarge: (max) => new KeyplaneError("MINE", `over ${max}`, { status: 413 }) }),
      code("MINE", 413),
    );
  });

  it("declaredLengthExceeds: only plain decimal numbers count", () => {
    assert.equal(declaredLengthExceeds("11", 10), true);
    assert.equal(declaredLengthExceeds("10", 10), false);
    assert.equal(declaredLengthExceeds("1e9", 10), false);
    assert.equal(declaredLengthExceeds(null, 10), false);
  });
});
