/** The lab's web routes over real loopback HTTP: demo page, assets, Shaka Player, static media with safe paths and MIME types. */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBaseApp } from "../../../functions/http/base";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { silentLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { labWebRoutes, safeJoin } from "../../../lab/web/routes";

/** Raw GET so `..` and encoded segments reach the server unnormalised (fetch would resolve them). */
function rawGet(base: string, path: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("lab/web/routes", () => {
  let dir: string;
  let srv: Listening;

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), "keyplane-web-"));
    const media = join(dir, "media");
    await fs.mkdir(join(media, "dash", "video"), { recursive: true });
    await fs.mkdir(join(media, "hls"), { recursive: true });
    await fs.writeFile(join(media, "dash", "manifest.mpd"), "<MPD/>");
    await fs.writeFile(join(media, "dash", "video", "init.mp4"), Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]));
    await fs.writeFile(join(media, "dash", "video", "seg-1.m4s"), Buffer.alloc(10));
    await fs.writeFile(join(media, "hls", "master.m3u8"), "#EXTM3U\n");
    await fs.writeFile(join(media, "hls", "seg-0.ts"), Buffer.alloc(188, 0x47));
    await fs.writeFile(join(media, ".hidden"), "x");
    await fs.writeFile(join(dir, "secret.txt"), "outside the media dir");
    const app = createBaseApp(staticContext(KeySeed.generate(), { logger: silentLogger }));
    app.route("/", labWebRoutes({ mediaDir: media }));
    srv = await listen(app);
  });

  after(async () => {
    await srv?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("serves the demo page, its assets and Shaka Player", async () => {
    const page = await fetch(`${srv.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, /\/vendor\/shaka-player\.compiled\.js/);
    assert.match(html, /\/lab\/app\.js/);
    const js = await fetch(`${srv.url}/lab/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /javascript/);
    assert.match(await js.text(), /\/token/);
    assert.equal((await fetch(`${srv.url}/lab/style.css`)).status, 200);
    assert.equal((await fetch(`${srv.url}/lab/routes.ts`)).status, 404);
    const shaka = await fetch(`${srv.url}/vendor/shaka-player.compiled.js`);
    assert.equal(shaka.status, 200);
    assert.match(await shaka.text(), /shaka/);
  });

  it("serves media with the right MIME types", async () => {
    const cases: [string, string][] = [
      ["dash/manifest.mpd", "application/dash+xml"],
      ["dash/video/init.mp4", "video/mp4"],
      ["dash/video/seg-1.m4s", "video/iso.segment"],
      ["hls/master.m3u8", "application/vnd.apple.mpegurl"],
      ["hls/seg-0.ts", "video/mp2t"],
    ];
    for (const [p, type] of cases) {
      const r = await fetch(`${srv.url}/media/${p}`);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get("content-type"), type, p);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    }
    assert.deepEqual(
      Buffer.from(await (await fetch(`${srv.url}/media/hls/seg-0.ts`)).arrayBuffer()),
      Buffer.alloc(188, 0x47),
    );
  });

  it("refuses path traversal, dot files, directories and missing files with 404", async () => {
    for (const p of [
      "/media/../secret.txt",
      "/media/%2e%2e/secret.txt",
      "/media/dash/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/media/.hidden",
      "/media/dash",
      "/media/dash/",
      "/media/nope.mpd",
      "/media/dash%5c..%5c..%5csecret.txt",
      "/media/%00.mpd",
      "/media/%E0%A4%A",
    ]) {
      const r = await rawGet(srv.url, p);
      assert.equal(r.status, 404, `${p} -> ${r.status}`);
      assert.doesNotMatch(r.body.toString(), /outside the media dir/);
    }
  });

  it("safeJoin keeps every path inside the root", () => {
    assert.equal(safeJoin("/srv/media", "dash/manifest.mpd"), "/srv/media/dash/manifest.mpd");
    for (const p of ["../x", "a/../../x", "%2e%2e/x", ".env", "a/.git/config", "a\\..\\x", ""])
      assert.throws(() => safeJoin("/srv/media", p), /No such file/, p);
  });
});
