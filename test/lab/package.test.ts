/**
 * The packaging command against the real lab server (SPEKE v2 + token service + key delivery over loopback HTTP):
 * the MPD signalling, the pssh boxes taken from the SPEKE response, and the media decrypting with keys fetched from
 * /clearkey and /hls/key under a token. Checks use independent tools: xmldom/xmllint for the MPD, the `mp4box` npm
 * package for boxes, ffmpeg's CENC decryptor for DASH, node's AES-128-CBC + the MPEG-TS sync byte (0x47 every 188
 * bytes, ISO/IEC 13818-1) for HLS (RFC 8216 4.3.2.4: AES-128 = whole segment AES-128-CBC, PKCS#7, IV from EXT-X-KEY).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createDecipheriv } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { createFile, MP4BoxBuffer } from "mp4box";
import { startLab, type RunningLab } from "../../functions/runtimes/node";
import { KeySeed } from "../../functions/keys/seed";
import { packageMedia, parseArgs, type PackageResult } from "../../lab/package";

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...(opts.env ? { env: opts.env } : {}) });
    let stdout = ""; let stderr = "";
    p.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20000); });
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const MPD_NS = "urn:mpeg:dash:schema:mpd:2011";
const CENC_NS = "urn:mpeg:cenc:2013";
const DASHIF_NS = "https://dashif.org/CPS";

describe("lab/package: packaging command against the running key server", function () {
  this.timeout(90_000);
  let dir: string;
  let lab: RunningLab;
  let r: PackageResult;
  const progress: string[] = [];
  let token: string;

  before(async function () {
    this.timeout(90_000);
    dir = await fs.mkdtemp(join(tmpdir(), "keyplane-package-test-"));
    lab = await startLab({ port: 0, seed: KeySeed.generate(), dataDir: join(dir, "lab"), quiet: true, demoMedia: false, config: {} });
    r = await packageMedia({ outDir: join(dir, "out"), keyServerUrl: lab.url, clipSeconds: 6, log: (m) => progress.push(m) });
    const t = await fetch(`${lab.url}/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ subject: "demo", kids: [r.kids.video, r.kids.audio, r.kids.hls] }) });
    assert.equal(t.status, 200);
    token = ((await t.json()) as { token: string }).token;
  });

  after(async () => {
    await lab?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("reports progress in numbered steps and writes keyplane.json without key material", async () => {
    assert.ok(progress.some((m) => m.startsWith("[1/6]")) && progress.some((m) => m.startsWith("[6/6]")), progress.join("\n"));
    assert.ok(progress.some((m) => /transcode: 100%/.test(m)));
    const saved = JSON.parse(await fs.readFile(join(dir, "out", "keyplane.json"), "utf8")) as PackageResult;
    assert.deepEqual(saved, r);
    assert.equal(r.segments.video, 3);
    assert.equal(r.segments.hls, 3);
    assert.doesNotMatch(JSON.stringify(saved), /"key"\s*:/);
  });

  it("MPD: valid XML with cenc + default_KID and ClearKey with dashif:Laurl to /clearkey", async () => {
    const xml = await fs.readFile(join(dir, "out", r.dash), "utf8");
    const lint = await run("xmllint", ["--noout", join(dir, "out", r.dash)]);
    assert.equal(lint.code, 0, lint.stderr);
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    const sets = Array.from(doc.getElementsByTagNameNS(MPD_NS, "AdaptationSet"));
    assert.equal(sets.length, 2);
    for (const set of sets) {
      const kind = set.getAttribute("contentType") as "video" | "audio";
      const cps = Array.from(set.getElementsByTagNameNS(MPD_NS, "ContentProtection"));
      const mp4 = cps.find((c) => c.getAttribute("schemeIdUri") === "urn:mpeg:dash:mp4protection:2011");
      assert.equal(mp4?.getAttribute("value"), "cenc");
      assert.equal(mp4?.getAttributeNS(CENC_NS, "default_KID"), r.kids[kind]);
      const ck = cps.find((c) => c.getAttribute("schemeIdUri") === "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e");
      assert.equal(ck?.getElementsByTagNameNS(DASHIF_NS, "Laurl")[0]?.textContent, `${lab.url}/clearkey`);
      const wv = cps.find((c) => c.getAttribute("schemeIdUri") === "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed");
      assert.ok(wv?.getElementsByTagNameNS(CENC_NS, "pssh")[0]?.textContent, "Widevine ContentProtectionData from SPEKE");
      // ContentProtectionData is the inside of the element (DASH-IF CPIX 2.3): the lab wraps it, nothing is nested
      for (const cp of cps) assert.equal(cp.getElementsByTagNameNS(MPD_NS, "ContentProtection").length, 0, "no nested ContentProtection");
    }
  });

  it("init segments carry the Widevine and W3C common pssh boxes from the SPEKE response (mp4box)", async () => {
    for (const kind of ["video", "audio"] as const) {
      const buf = await fs.readFile(join(dir, "out", "dash", kind, "init.mp4"));
      const f = createFile();
      f.appendBuffer(MP4BoxBuffer.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, 0));
      f.flush();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const moov = (f as any).moov;
      const ids = moov.psshs.map((p: { system_id: string }) => p.system_id).sort();
      assert.deepEqual(ids, ["1077efecc0b24d02ace33c1e52e2fb4b", "edef8ba979d64acea3c827dcd51d21ed"]);
      const common = moov.psshs.find((p: { system_id: string }) => p.system_id.startsWith("1077efec"));
      assert.deepEqual(common.kid, [r.kids[kind]!.replace(/-/g, "")]);
      assert.equal(moov.traks[0].mdia.minf.stbl.stsd.entries[0].sinf.schi.tenc.default_KID, r.kids[kind]!.replace(/-/g, ""));
    }
  });

  it("DASH segments decode with the key from POST /clearkey (token) and fail with another key", async () => {
    const kid = Buffer.from(r.kids.video.replace(/-/g, ""), "hex").toString("base64url");
    const lic = await fetch(`${lab.url}/clearkey`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ kids: [kid], type: "temporary" }) });
    assert.equal(lic.status, 200);
    const jwk = (await lic.json()) as { keys: { kid: string; k: string }[] };
    const key = Buffer.from(jwk.keys.find((k) => k.kid === kid)!.k, "base64url");
    const one = join(dir, "one.mp4");
    await fs.writeFile(one, Buffer.concat([await fs.readFile(join(dir, "out", "dash", "video", "init.mp4")), await fs.readFile(join(dir, "out", "dash", "video", "seg-2.m4s"))]));
    const good = await run("ffmpeg", ["-v", "error", "-decryption_key", key.toString("hex"), "-i", one, "-f", "framemd5", "-"]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stderr.trim(), "", "no decoder errors with the right key");
    assert.equal(good.stdout.split("\n").filter((l) => /^0,/.test(l)).length, 48, "2 s at 24 fps");
    const wrong = Buffer.from(key); wrong[0]! ^= 1;
    const bad = await run("ffmpeg", ["-v", "error", "-decryption_key", wrong.toString("hex"), "-i", one, "-f", "framemd5", "-"]);
    assert.match(bad.stderr, /error while decoding|Invalid|non-existing|decode_slice/i);
  });

  it("HLS AES-128: playlists carry the key server's lines; segments decrypt (AES-128-CBC) with GET /hls/key to MPEG-TS", async () => {
    const master = await fs.readFile(join(dir, "out", r.hls), "utf8");
    assert.match(master, /^#EXTM3U\n/);
    assert.match(master, new RegExp(`#EXT-X-SESSION-KEY:METHOD=AES-128,URI="[^"]*/hls/key/${r.kids.hls}"`));
    assert.match(master, /#EXT-X-STREAM-INF:BANDWIDTH=\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",RESOLUTION=640x360\nstream\.m3u8/);
    const media = await fs.readFile(join(dir, "out", "hls", "stream.m3u8"), "utf8");
    const m = /#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)".*IV=0x([0-9A-F]{32})/.exec(media);
    assert.ok(m, media);
    assert.equal((await fetch(m[1]!)).status, 401, "the key needs a token");
    const res = await fetch(m[1]!, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const key = Buffer.from(await res.arrayBuffer());
    assert.equal(key.length, 16);
    const seg = await fs.readFile(join(dir, "out", "hls", "seg-0.ts"));
    assert.notEqual(seg[0], 0x47, "segment is not clear MPEG-TS");
    const d = createDecipheriv("aes-128-cbc", key, Buffer.from(m[2]!, "hex"));
    const ts = Buffer.concat([d.update(seg), d.final()]);
    assert.equal(ts.length % 188, 0);
    for (let i = 0; i < ts.length; i += 188) assert.equal(ts[i], 0x47, `sync byte at ${i}`);
  });

  it("CLI: bad input gets a clear message and exit code 2; missing key server fails before transcoding", async () => {
    const bad = join(dir, "not-video.mp4");
    await fs.writeFile(bad, "this is not a video");
    const a = await run(process.execPath, ["bin/keyplane.js", "package", bad, join(dir, "x"), "--key-server", lab.url]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /not-video\.mp4 is not a readable media file/);
    const b = await run(process.execPath, ["bin/keyplane.js", "package", join(dir, "missing.mp4"), join(dir, "x"), "--key-server", lab.url]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /Input file not found: .*missing\.mp4/);
    const c = await run(process.execPath, ["bin/keyplane.js", "package", join(dir, "x"), "--key-server", "http://127.0.0.1:9"]);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /Cannot reach the key server at http:\/\/127\.0\.0\.1:9/);
    assert.doesNotMatch(c.stderr, /Transcoding/);
    const d = await run(process.execPath, ["bin/keyplane.js", "package", "--bogus"]);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /Unknown option --bogus/);
  });

  it("CLI arguments: input + outdir, outdir only, defaults and KEYPLANE_URL", () => {
    assert.deepEqual(parseArgs(["in.mp4", "out"], {}), { input: "in.mp4", outDir: "out", keyServerUrl: "http://127.0.0.1:8787" });
    assert.deepEqual(parseArgs(["somewhere-new"], { KEYPLANE_URL: "http://h:1" }), { outDir: "somewhere-new", keyServerUrl: "http://h:1" });
    assert.deepEqual(parseArgs(["--seconds", "4", "--content-id", "c1"], {}), { outDir: "lab-out", keyServerUrl: "http://127.0.0.1:8787", clipSeconds: 4, contentId: "c1" });
    assert.throws(() => parseArgs(["--seconds", "0"], {}), /between 1 and 600/);
    assert.throws(() => parseArgs(["a", "b", "c"], {}), /Too many arguments/);
  });
});
