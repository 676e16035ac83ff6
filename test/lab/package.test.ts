/**
 * The packaging command against the real lab server (SPEKE v2 + token service + key delivery over loopback HTTP):
 * Shaka Packager's DASH `cenc` and HLS fMP4 `cbcs`, ffmpeg's HLS AES-128, the signalling from the SPEKE response, and
 * the media decrypting back to the clear mezzanine with keys fetched from /clearkey and /hls/key under a token.
 * Checks are independent of the packager: xmldom/xmllint for the MPD, the `mp4box` npm package for boxes, node's AES
 * for samples, ffmpeg's CENC decryptor (`-decryption_key`), node's AES-128-CBC + the MPEG-TS sync byte for HLS TS.
 * Rules from ISO/IEC 23001-7 (Common Encryption): 'cenc' = AES-128-CTR, counter block = IV (8 bytes, zero-padded to 16,
 * or 16), counter continuous across a sample's protected ranges; 'cbcs' = AES-128-CBC with the tenc constant IV,
 * restarted at each subsample, pattern crypt_byte_block:skip_byte_block over 16-byte blocks (video 1:9), a trailing
 * partial block clear. RFC 8216 4.3.2.4: AES-128 = whole segment AES-128-CBC, PKCS#7, IV from EXT-X-KEY; SAMPLE-AES in
 * fMP4 = 'cbcs'; KEYFORMAT "identity" = the key itself at URI.
 */
import { runCommand } from "../support/process";
import assert from "node:assert/strict";
import { createDecipheriv } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { createFile, MP4BoxBuffer } from "mp4box";
import { startLab, type RunningLab } from "../../lab/server";
import { KeySeed } from "../../functions/keys/seed";
import { packageMedia, parseArgs, USAGE, type PackageResult } from "../../lab/package";

const MPD_NS = "urn:mpeg:dash:schema:mpd:2011";
const CENC_NS = "urn:mpeg:cenc:2013";
const DASHIF_NS = "https://dashif.org/CPS";
const WV = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed";
const PR = "9a04f079-9840-4286-ab92-e65be0885f95";

type Any = any;

function parseMp4(buf: Buffer): Any {
  const f = createFile();
  f.appendBuffer(
    MP4BoxBuffer.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, 0),
  );
  f.flush();
  return f;
}

/** senc as ISO/IEC 23001-7 7.2 lays it out, read straight from the bytes (flags 0x2 = subsample info present). */
function readSenc(buf: Buffer, start: number, ivSize: number): { iv: Buffer; subs?: [number, number][] }[] {
  const flags = buf.readUInt32BE(start + 8) & 0xffffff;
  const count = buf.readUInt32BE(start + 12);
  let p = start + 16;
  const out: { iv: Buffer; subs?: [number, number][] }[] = [];
  for (let i = 0; i < count; i++) {
    const iv = buf.subarray(p, p + ivSize);
    p += ivSize;
    if (flags & 2) {
      const n = buf.readUInt16BE(p);
      p += 2;
      const subs: [number, number][] = [];
      for (let j = 0; j < n; j++) {
        subs.push([buf.readUInt16BE(p), buf.readUInt32BE(p + 2)]);
        p += 6;
      }
      out.push({ iv, subs });
    } else out.push({ iv });
  }
  return out;
}

/** 'cenc': one AES-CTR stream per sample over its protected ranges. */
function cencDecrypt(key: Buffer, sample: Buffer, iv: Buffer, subs?: [number, number][]): Buffer {
  const d = createDecipheriv("aes-128-ctr", key, Buffer.concat([iv, Buffer.alloc(16 - iv.length)]));
  if (!subs) return d.update(sample);
  const out = Buffer.from(sample);
  let p = 0;
  for (const [clear, prot] of subs) {
    p += clear;
    d.update(sample.subarray(p, p + prot)).copy(out, p);
    p += prot;
  }
  assert.equal(p, sample.length, "subsamples cover the sample exactly");
  return out;
}

/** 'cbcs': CBC from the constant IV at each protected range, pattern crypt:skip blocks (0:0 = every whole block). */
function cbcsDecrypt(
  key: Buffer,
  sample: Buffer,
  iv: Buffer,
  crypt: number,
  skip: number,
  subs?: [number, number][],
): Buffer {
  const out = Buffer.from(sample);
  const ranges = subs ?? [[0, sample.length]];
  let p = 0;
  for (const [clear, prot] of ranges) {
    p += clear;
    const d = createDecipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
    const blocks = Math.floor(prot / 16);
    for (let b = 0; b < blocks; b++) {
      const inPattern = crypt === 0 && skip === 0 ? true : b % (crypt + skip) < crypt;
      if (!inPattern) continue;
      const at = p + b * 16;
      d.update(sample.subarray(at, at + 16)).copy(out, at);
    }
    p += prot;
  }
  assert.equal(p, sample.length, "protected ranges cover the sample exactly");
  return out;
}

describe("lab/package: Shaka Packager + ffmpeg against the running key server", function () {
  this.timeout(90_000);
  let dir: string;
  let lab: RunningLab;
  let r: PackageResult;
  const progress: string[] = [];
  let token: string;
  let clear: Any;
  let clearBuf: Buffer;

  before(async function () {
    this.timeout(90_000);
    dir = await fs.mkdtemp(join(tmpdir(), "keyplane-package-test-"));
    lab = await startLab({
      port: 0,
      seed: KeySeed.generate(),
      dataDir: join(dir, "lab"),
      quiet: true,
      demoMedia: false,
      config: {},
    });
    r = await packageMedia({
      outDir: join(dir, "out"),
      keyServerUrl: lab.url,
      clipSeconds: 6,
      workDir: join(dir, "work"),
      log: (m) => progress.push(m),
    });
    const t = await fetch(`${lab.url}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        subject: "demo",
        kids: [r.kids.video, r.kids.audio, r.kids.cbcsVideo, r.kids.cbcsAudio, r.kids.hls],
      }),
    });
    assert.equal(t.status, 200);
    token = ((await t.json()) as { token: string }).token;
    clearBuf = await fs.readFile(join(dir, "work", "clear.mp4"));
    clear = parseMp4(clearBuf);
  });

  after(async () => {
    await lab?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  /** The content key for a KID from the lab's ClearKey endpoint (W3C EME ClearKey JSON), under the token. */
  async function clearKey(kidUuid: string): Promise<Buffer> {
    const kid = Buffer.from(kidUuid.replace(/-/g, ""), "hex").toString("base64url");
    const lic = await fetch(`${lab.url}/clearkey`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ kids: [kid], type: "temporary" }),
    });
    assert.equal(lic.status, 200);
    const jwk = (await lic.json()) as { keys: { kid: string; k: string }[] };
    return Buffer.from(jwk.keys.find((k) => k.kid === kid)!.k, "base64url");
  }

  const clearTrack = (kind: "video" | "audio") =>
    clear.moov.traks.find((t: Any) => t.mdia.hdlr.handler === (kind === "video" ? "vide" : "soun"));

  async function encrypted(base: string, kind: "video" | "audio"): Promise<{ init: Buffer; segments: Buffer[] }> {
    const d = join(dir, "out", base, kind);
    const n = (await fs.readdir(d)).filter((f) => f.endsWith(".m4s")).length;
    const segments: Buffer[] = [];
    for (let i = 1; i <= n; i++) segments.push(await fs.readFile(join(d, `seg-${i}.m4s`)));
    return { init: await fs.readFile(join(d, "init.mp4")), segments };
  }

  it("reports progress in numbered steps, names Shaka Packager, and writes keyplane.json / exchange.json without key material", async () => {
    assert.ok(
      progress.some((m) => m.startsWith("[1/7]")) && progress.some((m) => m.startsWith("[7/7]")),
      progress.join("\n"),
    );
    assert.ok(progress.some((m) => /transcode: 100%/.test(m)));
    assert.ok(
      progress.some((m) => /Shaka Packager v3\./.test(m)),
      progress.join("\n"),
    );
    const saved = JSON.parse(await fs.readFile(join(dir, "out", "keyplane.json"), "utf8")) as PackageResult;
    assert.deepEqual(saved, r);
    assert.match(r.packager, /^v3\.\d+\.\d+/);
    assert.deepEqual(r.segments, { video: 3, audio: 3, cbcsVideo: 3, cbcsAudio: 3, hls: 3 });
    const exchange = await fs.readFile(join(dir, "out", r.exchange), "utf8");
    const x = JSON.parse(exchange) as {
      exchanges: { request: { commonEncryptionScheme: string; keys: { kid: string; intendedTrackType: string }[] } }[];
    };
    assert.deepEqual(
      x.exchanges.map((e) => e.request.commonEncryptionScheme),
      ["cenc", "cbcs", "cbcs"],
    );
    assert.deepEqual(
      x.exchanges[0]!.request.keys.map((k) => k.intendedTrackType),
      ["VIDEO", "AUDIO"],
    );
    for (const kid of [r.kids.video, r.kids.audio!, r.kids.cbcsVideo, r.kids.cbcsAudio!]) {
      const key = await clearKey(kid);
      for (const text of [exchange, JSON.stringify(saved)]) {
        assert.ok(
          !text.includes(key.toString("hex")) &&
            !text.includes(key.toString("base64")) &&
            !text.includes(key.toString("base64url")),
          "no content key",
        );
      }
    }
  });

  it("MPD: valid XML; per AdaptationSet cenc + its own default_KID, ClearKey Laurl, Widevine and PlayReady from SPEKE", async () => {
    const file = join(dir, "out", r.dash);
    const lint = await runCommand("xmllint", ["--noout", file]);
    assert.equal(lint.code, 0, lint.stderr);
    const doc = new DOMParser().parseFromString(await fs.readFile(file, "utf8"), "text/xml");
    const sets = Array.from(doc.getElementsByTagNameNS(MPD_NS, "AdaptationSet"));
    assert.equal(sets.length, 2);
    for (const set of sets) {
      const kind = set.getAttribute("contentType") as "video" | "audio";
      const cps = Array.from(set.getElementsByTagNameNS(MPD_NS, "ContentProtection"));
      const by = (scheme: string) => cps.filter((c) => c.getAttribute("schemeIdUri") === scheme);
      const mp4 = by("urn:mpeg:dash:mp4protection:2011");
      assert.equal(mp4.length, 1);
      assert.equal(mp4[0]!.getAttribute("value"), "cenc");
      assert.equal(mp4[0]!.getAttributeNS(CENC_NS, "default_KID"), r.kids[kind]);
      const ck = by("urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e");
      assert.equal(ck[0]?.getElementsByTagNameNS(DASHIF_NS, "Laurl")[0]?.textContent, `${lab.url}/clearkey`);
      const wv = by(`urn:uuid:${WV}`)[0]?.getElementsByTagNameNS(CENC_NS, "pssh")[0]?.textContent;
      assert.ok(wv, "Widevine ContentProtectionData from SPEKE");
      // Widevine PSSH data (protobuf field 2 = key_id, 16 bytes): this set's KID
      assert.ok(
        Buffer.from(wv, "base64").includes(
          Buffer.concat([Buffer.from([0x12, 0x10]), Buffer.from(r.kids[kind]!.replace(/-/g, ""), "hex")]),
        ),
        "Widevine PSSH names this set's KID",
      );
      const pr = by(`urn:uuid:${PR}`)[0];
      assert.equal(pr?.getAttribute("value"), "MSPR 2.0");
      assert.ok(pr?.getElementsByTagNameNS("urn:microsoft:playready", "pro")[0]?.textContent, "PlayReady mspr:pro");
      for (const cp of cps)
        assert.equal(cp.getElementsByTagNameNS(MPD_NS, "ContentProtection").length, 0, "no nested ContentProtection");
    }
  });

  it("init segments carry SPEKE's PSSH boxes (the MPD's cenc:pssh values, byte for byte) and tenc names the SPEKE KID (mp4box)", async () => {
    const mpd = await fs.readFile(join(dir, "out", r.dash), "utf8");
    const boxes = [...mpd.matchAll(/<cenc:pssh>([^<]+)<\/cenc:pssh>/g)].map((m) => Buffer.from(m[1]!, "base64"));
    assert.equal(boxes.length, 6, "common, Widevine and PlayReady for two keys");
    for (const kind of ["video", "audio"] as const) {
      const init = (await encrypted("dash", kind)).init;
      // Shaka Packager's raw-key mode takes one PSSH list for all streams: every init segment carries every box
      for (const b of boxes)
        assert.ok(init.includes(b), `${kind} init carries a ${b.toString("hex", 12, 28)} box from SPEKE`);
      const f = parseMp4(init);
      assert.deepEqual([...new Set(f.moov.psshs.map((p: { system_id: string }) => p.system_id))].sort(), [
        "1077efecc0b24d02ace33c1e52e2fb4b",
        "9a04f07998404286ab92e65be0885f95",
        "edef8ba979d64acea3c827dcd51d21ed",
      ]);
      const entry = f.moov.traks[0].mdia.minf.stbl.stsd.entries[0];
      assert.equal(entry.type, kind === "video" ? "encv" : "enca");
      assert.equal(entry.sinf.schm.scheme_type, "cenc");
      assert.equal(entry.sinf.schi.tenc.default_KID, r.kids[kind]!.replace(/-/g, ""));
    }
  });

  for (const [scheme, base, kidOf] of [
    ["cenc", "dash", (k: "video" | "audio") => r.kids[k]!],
    ["cbcs", "hls-cbcs", (k: "video" | "audio") => (k === "video" ? r.kids.cbcsVideo : r.kids.cbcsAudio!)],
  ] as const) {
    for (const kind of ["video", "audio"] as const) {
      it(`${base} ${kind}: senc (+ saiz/saio) in every fragment; node's AES (${scheme}) decrypts every sample to the clear mezzanine's bytes`, async () => {
        const enc = await encrypted(base, kind);
        const all = Buffer.concat([enc.init, ...enc.segments]);
        const f = parseMp4(all);
        const entry = f.moov.traks[0].mdia.minf.stbl.stsd.entries[0];
        assert.equal(entry.sinf.schm.scheme_type, scheme);
        const tenc = entry.sinf.schi.tenc;
        assert.equal(tenc.default_KID, kidOf(kind).replace(/-/g, ""));
        const key = await clearKey(kidOf(kind));
        const encSamples: Any[] = f.getTrackById(f.moov.traks[0].tkhd.track_id).samples;
        const clearSamples: Any[] = clearTrack(kind).samples;
        assert.ok(clearSamples.length > 50, `${clearSamples.length} samples`);
        assert.equal(encSamples.length, clearSamples.length);
        let n = 0;
        let protectedBytes = 0;
        for (const moof of f.moofs as Any[]) {
          const traf = moof.trafs[0];
          const types = traf.boxes.map((b: Any) => b.type);
          assert.ok(types.includes("senc"), `senc in traf (${types})`);
          const ivSize = tenc.default_Per_Sample_IV_Size;
          // sample auxiliary information (saiz/saio) exists only when a sample has some: an IV or subsamples
          // (cbcs audio has neither: constant IV, whole-sample pattern)
          const hasAux = ivSize > 0 || (all.readUInt32BE(traf.senc.start + 8) & 2) !== 0;
          for (const t of ["saiz", "saio"]) assert.equal(types.includes(t), hasAux, `${t} in traf (${types})`);
          if (scheme === "cbcs") {
            assert.equal(ivSize, 0, "cbcs: constant IV");
            assert.equal(tenc.default_constant_IV.length, 16);
          }
          for (const e of readSenc(all, traf.senc.start, ivSize)) {
            const s = encSamples[n]!;
            const cs = clearSamples[n]!;
            n++;
            assert.equal(s.size, cs.size);
            const cipher = all.subarray(s.offset, s.offset + s.size);
            const plain = clearBuf.subarray(cs.offset, cs.offset + cs.size);
            if (kind === "video") assert.ok(e.subs && e.subs.length > 0, "video uses subsamples (NAL headers clear)");
            protectedBytes += e.subs ? e.subs.reduce((a, [, p]) => a + p, 0) : s.size;
            assert.ok(!cipher.equals(plain) || s.size < 16, `sample ${n} is encrypted`);
            const out =
              scheme === "cenc"
                ? cencDecrypt(key, cipher, e.iv, e.subs)
                : cbcsDecrypt(
                    key,
                    cipher,
                    Buffer.from(tenc.default_constant_IV),
                    tenc.default_crypt_byte_block ?? 0,
                    tenc.default_skip_byte_block ?? 0,
                    e.subs,
                  );
            assert.ok(out.equals(plain), `sample ${n} decrypts to the clear bytes`);
          }
        }
        assert.equal(n, clearSamples.length);
        assert.ok(
          protectedBytes > 0.8 * clearSamples.reduce((a: number, s: Any) => a + s.size, 0),
          "most bytes are protected",
        );
        if (scheme === "cbcs" && kind === "video")
          assert.deepEqual([tenc.default_crypt_byte_block, tenc.default_skip_byte_block], [1, 9]);
      });
    }
  }

  /** Packet md5s (stream, size, md5) as ffmpeg's demuxer hands them out; with -decryption_key mov decrypts CENC. */
  async function packets(args: string[], map = "0"): Promise<string[]> {
    const p = await runCommand("ffmpeg", [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      ...args,
      "-map",
      map,
      "-c",
      "copy",
      "-f",
      "framemd5",
      "-",
    ]);
    assert.equal(p.code, 0, p.stderr);
    return p.stdout
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => {
        const c = l.split(",").map((x) => x.trim());
        return `${c[4]},${c[5]}`;
      });
  }

  for (const kind of ["video", "audio"] as const) {
    it(`dash ${kind}: ffmpeg's CENC decryptor with the /clearkey key gives the clear mezzanine's packets, segment by segment; another key does not`, async () => {
      const key = await clearKey(r.kids[kind]!);
      const enc = await encrypted("dash", kind);
      const clearPk = await packets(["-i", join(dir, "work", "clear.mp4")], kind === "video" ? "0:v:0" : "0:a:0");
      const got: string[] = [];
      for (let i = 0; i < enc.segments.length; i++) {
        const one = join(dir, `one-${kind}.mp4`);
        // one segment at a time: Debian's ffmpeg 5.1 loses the senc/sample count across several fragments
        await fs.writeFile(one, Buffer.concat([enc.init, enc.segments[i]!]));
        got.push(...(await packets(["-decryption_key", key.toString("hex"), "-i", one])));
        if (i === 1) {
          const wrong = Buffer.from(key);
          wrong[0]! ^= 1;
          const bad = await packets(["-decryption_key", wrong.toString("hex"), "-i", one]);
          assert.equal(bad.filter((p) => clearPk.includes(p)).length, 0, "no packet decrypts with another key");
        }
      }
      assert.deepEqual(got, clearPk);
    });
  }

  it("HLS cbcs: each media playlist carries SPEKE's SAMPLE-AES lines for its own key, then KEYFORMAT identity on /hls/key", async () => {
    const master = await fs.readFile(join(dir, "out", r.hlsCbcs), "utf8");
    assert.match(master, /#EXT-X-MEDIA:TYPE=AUDIO,URI="audio\.m3u8"/);
    assert.match(master, /#EXT-X-STREAM-INF:.*CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2".*AUDIO="audio"/);
    for (const kind of ["video", "audio"] as const) {
      const kid = kind === "video" ? r.kids.cbcsVideo : r.kids.cbcsAudio!;
      const media = await fs.readFile(join(dir, "out", "hls-cbcs", `${kind}.m3u8`), "utf8");
      const keys = media.split("\n").filter((l) => l.startsWith("#EXT-X-KEY:"));
      assert.deepEqual(
        keys.map((l) => /KEYFORMAT="([^"]+)"/.exec(l)?.[1]),
        [`urn:uuid:${WV}`, "com.microsoft.playready", "com.apple.streamingkeydelivery", "identity"],
      );
      assert.ok(keys.every((l) => /^#EXT-X-KEY:METHOD=SAMPLE-AES,/.test(l)));
      assert.ok(keys[2]!.includes(`URI="skd://${kid}"`), keys[2]);
      const wvPssh = Buffer.from(/URI="data:text\/plain;base64,([^"]+)"/.exec(keys[0]!)![1]!, "base64");
      assert.ok(
        wvPssh.includes(Buffer.from(kid.replace(/-/g, ""), "hex")),
        "the Widevine line's PSSH names this playlist's KID",
      );
      const uri = /URI="([^"]+)"/.exec(keys[3]!)![1]!;
      assert.equal(uri, `${lab.url}/hls/key/${kid}`);
      assert.equal((await fetch(uri)).status, 401, "the key needs a token");
      const res = await fetch(uri, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.ok(
        Buffer.from(await res.arrayBuffer()).equals(await clearKey(kid)),
        "identity key = the ClearKey key for the KID",
      );
    }
  });

  it("HLS AES-128: playlists carry the key server's lines; segments decrypt (AES-128-CBC) with GET /hls/key to MPEG-TS", async () => {
    const master = await fs.readFile(join(dir, "out", r.hls), "utf8");
    assert.match(master, /^#EXTM3U\n/);
    assert.match(master, new RegExp(`#EXT-X-SESSION-KEY:METHOD=AES-128,URI="[^"]*/hls/key/${r.kids.hls}"`));
    assert.match(
      master,
      /#EXT-X-STREAM-INF:BANDWIDTH=\d+,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",RESOLUTION=640x360\nstream\.m3u8/,
    );
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
    const a = await runCommand(process.execPath, [
      "bin/keyplane.js",
      "package",
      bad,
      join(dir, "x"),
      "--key-server",
      lab.url,
    ]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /not-video\.mp4 is not a readable media file/);
    const b = await runCommand(process.execPath, [
      "bin/keyplane.js",
      "package",
      join(dir, "missing.mp4"),
      join(dir, "x"),
      "--key-server",
      lab.url,
    ]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /Input file not found: .*missing\.mp4/);
    const c = await runCommand(process.execPath, [
      "bin/keyplane.js",
      "package",
      join(dir, "x"),
      "--key-server",
      "http://127.0.0.1:9",
    ]);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /Cannot reach the key server at http:\/\/127\.0\.0\.1:9/);
    assert.doesNotMatch(c.stderr, /Transcoding/);
    const d = await runCommand(process.execPath, ["bin/keyplane.js", "package", "--bogus"]);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /Unknown option --bogus/);
  });

  it("CLI: --help documents the three formats", async () => {
    const h = await runCommand(process.execPath, ["bin/keyplane.js", "package", "--help"]);
    assert.equal(h.code, 0);
    assert.equal(h.stdout.trim(), USAGE);
    for (const w of [
      "dash/manifest.mpd",
      "'cenc'",
      "hls-cbcs/master.m3u8",
      "'cbcs'",
      "SAMPLE-AES",
      "hls/master.m3u8",
      "AES-128",
      "Shaka Packager",
      "PRESET-VIDEO-1",
    ]) {
      assert.ok(USAGE.includes(w), w);
    }
  });

  it("CLI arguments: input + outdir, outdir only, defaults and KEYPLANE_URL", () => {
    assert.deepEqual(parseArgs(["in.mp4", "out"], {}), {
      input: "in.mp4",
      outDir: "out",
      keyServerUrl: "http://127.0.0.1:8787",
    });
    assert.deepEqual(parseArgs(["somewhere-new"], { KEYPLANE_URL: "http://h:1" }), {
      outDir: "somewhere-new",
      keyServerUrl: "http://h:1",
    });
    assert.deepEqual(parseArgs(["--seconds", "4", "--content-id", "c1"], {}), {
      outDir: "lab-out",
      keyServerUrl: "http://127.0.0.1:8787",
      clipSeconds: 4,
      contentId: "c1",
    });
    assert.throws(() => parseArgs(["--seconds", "0"], {}), /between 1 and 600/);
    assert.throws(() => parseArgs(["a", "b", "c"], {}), /Too many arguments/);
  });
});
