/**
 * A real client: Debian's ffmpeg plays an AES-128 HLS stream (made here with ffmpeg's own `-hls_key_info_file`) whose
 * key URI points at /hls/key/<kid> on loopback, with the viewer token in `-headers "Authorization: Bearer …"`.
 * Without the header the key request is refused and ffmpeg cannot decrypt.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createBaseApp } from "../../../functions/http/base";
import { staticContext } from "../../../functions/context";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { deliveryRoutes } from "../../../functions/delivery/routes";
import { parseDeliveryConfig } from "../../../functions/delivery/config";
import { seed } from "../../support/delivery";

const run = promisify(execFile);
const KID = "9b2c0d4e-1f3a-4b5c-8d6e-7f8091a2b3c4";

describe("HLS AES-128 through /hls/key with ffmpeg", function () {
  this.timeout(60000);
  let dir: string;
  let server: Listening;
  const logs: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "keyplane-hls-"));
    const ctx = staticContext(seed, { logger: createLogger({ sink: (l) => logs.push(l) }) });
    const app = createBaseApp(ctx);
    app.route("/", deliveryRoutes(ctx, parseDeliveryConfig({ lab: true }), { env: {} }));
    // Test-only static media route.
    app.get("/media/:name", (c) => {
      const name = c.req.param("name");
      if (!/^[a-z0-9_.]+$/.test(name)) return c.notFound();
      const type = name.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t";
      return c.body(new Uint8Array(readFileSync(join(dir, name))), 200, { "Content-Type": type });
    });
    server = await listen(app);
    writeFileSync(join(dir, "enc.key"), seed.contentKey(Buffer.from(KID.replace(/-/g, ""), "hex")));
    writeFileSync(
      join(dir, "enc.keyinfo"),
      `${server.url}/hls/key/${KID}\n${join(dir, "enc.key")}\n0123456789abcdef0123456789abcdef\n`,
    );
    await run("ffmpeg", [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc=duration=3:size=160x120:rate=10",
      "-c:v",
      "libx264",
      "-g",
      "10",
      "-hls_time",
      "1",
      "-hls_playlist_type",
      "vod",
      "-hls_key_info_file",
      join(dir, "enc.keyinfo"),
      "-hls_segment_filename",
      join(dir, "seg%d.ts"),
      join(dir, "index.m3u8"),
    ]);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the packaged stream is encrypted and points at our key URI", () => {
    const m3u8 = readFileSync(join(dir, "index.m3u8"), "utf8");
    assert.match(m3u8, new RegExp(`#EXT-X-KEY:METHOD=AES-128,URI="${server.url}/hls/key/${KID}"`));
    assert.ok(readdirSync(dir).filter((f) => f.endsWith(".ts")).length >= 2);
    // Clear MPEG-TS has a 0x47 sync byte every 188 bytes; the AES-128-CBC segment must not.
    const seg = readFileSync(join(dir, "seg0.ts"));
    assert.ok(!(seg[0] === 0x47 && seg[188] === 0x47 && seg[376] === 0x47), "segment is not encrypted");
  });

  it("plays with Authorization: Bearer from /token, and the key is fetched with 200", async () => {
    const res = await fetch(`${server.url}/token`, {
      method: "POST",
      body: JSON.stringify({ subject: "ffmpeg", kids: [KID] }),
    });
    const { token } = (await res.json()) as { token: string };
    logs.length = 0;
    const { stderr } = await run("ffmpeg", [
      "-v",
      "error",
      "-headers",
      `Authorization: Bearer ${token}\r\n`,
      "-i",
      `${server.url}/media/index.m3u8`,
      "-f",
      "null",
      "-",
    ]);
    assert.equal(stderr.trim(), "");
    const keyReqs = logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === "request" && String(l.path).startsWith("/hls/key/"));
    assert.ok(keyReqs.length >= 1);
    assert.ok(keyReqs.every((l) => l.status === 200));
    assert.ok(!logs.join("\n").includes(token));
  });

  it("fails without the header: the key request gets 401 and ffmpeg cannot decode", async () => {
    logs.length = 0;
    const out = await run("ffmpeg", [
      "-v",
      "error",
      "-xerror",
      "-i",
      `${server.url}/media/index.m3u8`,
      "-f",
      "null",
      "-",
    ]).then(
      (r) => ({ ok: true, stderr: r.stderr }),
      (e: { stderr: string }) => ({ ok: false, stderr: e.stderr }),
    );
    const keyReqs = logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === "request" && String(l.path).startsWith("/hls/key/"));
    assert.ok(keyReqs.length >= 1);
    assert.ok(keyReqs.every((l) => l.status === 401));
    assert.ok(
      !out.ok || /error|invalid|401|unauthorized/i.test(out.stderr),
      `ffmpeg should fail, stderr: ${out.stderr}`,
    );
    assert.ok(!out.ok, `ffmpeg exited 0; stderr: ${out.stderr}`);
  });
});
