/**
 * Our fMP4 CENC encryptor, checked independently of the writer: the boxes are read back with the `mp4box` npm package,
 * every sample is decrypted with node's AES-128-CTR using the IV and subsamples from senc and compared with the clear
 * source samples, and ffmpeg's own CENC decryptor (`-decryption_key`) yields the same frames as the clear source.
 * Rules from ISO/IEC 23001-7 (Common Encryption): 'cenc' = AES-CTR, 16-byte counter block = 8-byte IV || 8 zero bytes
 * (Per_Sample_IV_Size 8), counter continuous across a sample's protected ranges; schm 'cenc' version 0x00010000;
 * tenc default_KID; saio offsets relative to moof when tfhd says default-base-is-moof (ISO/IEC 14496-12 8.7.9).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createDecipheriv } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFile, MP4BoxBuffer } from "mp4box";
import { fragmentTracks, makeTestClip } from "../../../lab/ffmpeg";
import { splitFragmentedMp4 } from "../../../lab/mp4/fragment";
import { avcSubsamples, encryptFragment, encryptInitSegment } from "../../../lab/mp4/cenc";
import { encryptFragmentedFile } from "../../../lab/mp4/cenc-file";

const KID = Buffer.from("9eb4050de44b4802932e27d75083e266", "hex");
const KEY = Buffer.from("166634c675823c235a4a9446fad52e4d", "hex");

/** W3C "Common PSSH box format" (EME Initialization Data Registry, cenc): version 1, system 1077efec-..., KIDs, DataSize 0. */
function commonPssh(kid: Buffer): Buffer {
  const b = Buffer.alloc(12 + 16 + 4 + 16 + 4);
  b.writeUInt32BE(b.length, 0); b.write("pssh", 4, "latin1"); b.writeUInt32BE(0x01000000, 8);
  Buffer.from("1077efecc0b24d02ace33c1e52e2fb4b", "hex").copy(b, 12);
  b.writeUInt32BE(1, 28); kid.copy(b, 32); b.writeUInt32BE(0, 48);
  return b;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function parseMp4(buf: Buffer): Any {
  const f = createFile();
  const ab = MP4BoxBuffer.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, 0);
  f.appendBuffer(ab);
  f.flush();
  return f;
}

/** senc as ISO/IEC 23001-7 7.2 lays it out, read straight from the bytes (flags 0x2 = subsample info present). */
function readSenc(buf: Buffer, start: number): { iv: Buffer; subs?: [number, number][] }[] {
  const flags = buf.readUInt32BE(start + 8) & 0xffffff;
  const count = buf.readUInt32BE(start + 12);
  let p = start + 16;
  const out: { iv: Buffer; subs?: [number, number][] }[] = [];
  for (let i = 0; i < count; i++) {
    const iv = buf.subarray(p, p + 8); p += 8;
    if (flags & 2) {
      const n = buf.readUInt16BE(p); p += 2;
      const subs: [number, number][] = [];
      for (let j = 0; j < n; j++) { subs.push([buf.readUInt16BE(p), buf.readUInt32BE(p + 2)]); p += 6; }
      out.push({ iv, subs });
    } else out.push({ iv });
  }
  return out;
}

function ctrDecrypt(sample: Buffer, iv: Buffer, subs?: [number, number][]): Buffer {
  const d = createDecipheriv("aes-128-ctr", KEY, Buffer.concat([iv, Buffer.alloc(8)]));
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

function ffmpegFrameMd5(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", ...args, "-map", "0", "-c", "copy", "-f", "framemd5", "-"]);
    let out = ""; let err = "";
    p.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    p.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    p.on("error", reject);
    p.on("close", (code) => code === 0 ? resolve(out.split("\n").filter((l) => !l.startsWith("#"))
      // stream, dts, pts, duration, size, md5 of the packet data (side data such as encryption info dropped)
      .map((l) => l.split(",").slice(0, 6).join(",")).join("\n")) : reject(new Error(err)));
  });
}

describe("lab/mp4/cenc: fMP4 Common Encryption ('cenc')", function () {
  this.timeout(60_000);
  let dir: string;
  const clear: Record<"video" | "audio", Buffer> = { video: Buffer.alloc(0), audio: Buffer.alloc(0) };
  const enc: Record<"video" | "audio", { init: Buffer; segments: Buffer[] }> = { video: { init: Buffer.alloc(0), segments: [] }, audio: { init: Buffer.alloc(0), segments: [] } };

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), "keyplane-cenc-"));
    const clip = await makeTestClip(join(dir, "clip.mp4"), { seconds: 6 });
    const t = await fragmentTracks(clip, join(dir, "clear"));
    for (const kind of ["video", "audio"] as const) {
      clear[kind] = await fs.readFile(kind === "video" ? t.video : t.audio!);
      const split = splitFragmentedMp4(clear[kind]);
      const e = encryptInitSegment(split.init, KID, [commonPssh(KID)]);
      enc[kind] = { init: e.init, segments: split.fragments.map((f) => encryptFragment(f, e.track, KEY)) };
      await fs.writeFile(join(dir, `${kind}-init.mp4`), e.init);
      for (let i = 0; i < enc[kind].segments.length; i++) await fs.writeFile(join(dir, `${kind}-${i}.m4s`), enc[kind].segments[i]!);
    }
  });

  after(async () => { if (dir) await fs.rm(dir, { recursive: true, force: true }); });

  for (const kind of ["video", "audio"] as const) {
    it(`${kind}: init segment parses with mp4box as ${kind === "video" ? "encv" : "enca"} with sinf/frma/schm 'cenc'/tenc and a pssh`, () => {
      const f = parseMp4(enc[kind].init);
      const entry = f.moov.traks[0].mdia.minf.stbl.stsd.entries[0];
      assert.equal(entry.type, kind === "video" ? "encv" : "enca");
      assert.equal(entry.sinf.frma.data_format, kind === "video" ? "avc1" : "mp4a");
      assert.equal(entry.sinf.schm.scheme_type, "cenc");
      assert.equal(entry.sinf.schm.scheme_version, 0x00010000);
      const tenc = entry.sinf.schi.tenc;
      assert.equal(tenc.default_isProtected, 1);
      assert.equal(tenc.default_Per_Sample_IV_Size, 8);
      assert.equal(tenc.default_KID, KID.toString("hex"));
      assert.equal(f.moov.psshs.length, 1);
      assert.equal(f.moov.psshs[0].system_id, "1077efecc0b24d02ace33c1e52e2fb4b");
      assert.deepEqual(f.moov.psshs[0].kid, [KID.toString("hex")]);
    });

    it(`${kind}: every fragment has senc/saiz/saio; saio points at the senc IVs; samples decrypt with node AES-CTR to the clear source bytes`, () => {
      const all = Buffer.concat([enc[kind].init, ...enc[kind].segments]);
      const f = parseMp4(all);
      const c = parseMp4(clear[kind]);
      const encSamples: Any[] = f.getTrackById(1).samples;
      const clearSamples: Any[] = c.getTrackById(1).samples;
      assert.ok(clearSamples.length > 50, `${clearSamples.length} samples`);
      assert.equal(encSamples.length, clearSamples.length);
      assert.equal(f.moofs.length, enc[kind].segments.length);
      let n = 0;
      let protectedBytes = 0;
      for (const moof of f.moofs as Any[]) {
        const traf = moof.trafs[0];
        const types = traf.boxes.map((b: Any) => b.type);
        for (const t of ["senc", "saiz", "saio"]) assert.ok(types.includes(t), `${t} in traf (${types})`);
        const entries = readSenc(all, traf.senc.start);
        assert.equal(entries.length, traf.saiz.sample_count);
        assert.equal(traf.saio.offset.length, 1);
        assert.equal(moof.start + traf.saio.offset[0], traf.senc.start + 16, "saio offset (from moof) = first IV in senc");
        const sizes = entries.map((e) => 8 + (e.subs ? 2 + 6 * e.subs.length : 0));
        for (let i = 0; i < sizes.length; i++) assert.equal(traf.saiz.default_sample_info_size || traf.saiz.sample_info_size[i], sizes[i]);
        for (const e of entries) {
          const s = encSamples[n]!;
          const cs = clearSamples[n]!;
          n++;
          assert.equal(s.size, cs.size);
          const cipher = all.subarray(s.offset, s.offset + s.size);
          const plain = clear[kind].subarray(cs.offset, cs.offset + cs.size);
          if (kind === "video") {
            assert.ok(e.subs && e.subs.length > 0, "video uses subsamples");
            for (const [clearBytes, prot] of e.subs) {
              assert.equal(prot % 16, 0, "whole 16-byte blocks protected");
              assert.ok(clearBytes >= 5, "NAL length (4) + NAL header stay clear");
              protectedBytes += prot;
            }
          } else {
            assert.equal(e.subs, undefined, "audio is whole-sample encrypted");
            protectedBytes += s.size;
          }
          assert.ok(!cipher.equals(plain) || s.size < 16, `sample ${n} is encrypted`);
          assert.ok(ctrDecrypt(cipher, e.iv, e.subs).equals(plain), `sample ${n} decrypts to the clear bytes`);
        }
      }
      assert.equal(n, clearSamples.length);
      assert.ok(protectedBytes > 0.8 * clearSamples.reduce((a, s) => a + s.size, 0), "most bytes are protected");
    });

    it(`${kind}: ffmpeg's CENC decryptor (-decryption_key) gives the clear source frames for each segment`, async () => {
      const split = splitFragmentedMp4(clear[kind]);
      for (let i = 0; i < enc[kind].segments.length; i++) {
        await fs.writeFile(join(dir, "one-enc.mp4"), Buffer.concat([enc[kind].init, enc[kind].segments[i]!]));
        await fs.writeFile(join(dir, "one-clear.mp4"), Buffer.concat([split.init, split.fragments[i]!]));
        const want = await ffmpegFrameMd5(["-i", join(dir, "one-clear.mp4")]);
        assert.ok(want.length > 0);
        assert.equal(await ffmpegFrameMd5(["-decryption_key", KEY.toString("hex"), "-i", join(dir, "one-enc.mp4")]), want);
      }
    });
  }

  it("whole file with sidx and mfra: sidx sizes/first_offset and tfra moof offsets are fixed; samples still decrypt", async () => {
    const src = join(dir, "sidx.mp4");
    await fs.writeFile(join(dir, "clear-video.mp4"), clear.video);
    const r = spawn("ffmpeg", ["-v", "error", "-y", "-i", join(dir, "clear-video.mp4"), "-c", "copy", "-f", "mp4",
      "-movflags", "+frag_keyframe+empty_moov+default_base_moof+global_sidx", src]);
    await new Promise((res) => r.on("close", res));
    const input = await fs.readFile(src);
    const types = (b: Buffer) => { const t: string[] = []; for (let p = 0; p < b.length; p += b.readUInt32BE(p)) t.push(b.toString("latin1", p + 4, p + 8)); return t; };
    assert.deepEqual([...new Set(types(input))].sort(), ["ftyp", "mdat", "mfra", "moof", "moov", "sidx"], "ffmpeg wrote sidx and mfra");
    const out = encryptFragmentedFile(input, KID, KEY);
    assert.deepEqual(types(out), types(input));
    // top-level box starts of the output
    const starts = new Map<number, string>();
    for (let p = 0; p < out.length; p += out.readUInt32BE(p)) starts.set(p, out.toString("latin1", p + 4, p + 8));
    // sidx (ISO/IEC 14496-12 8.16.3), version 0 or 1: references must tile moof+mdat pairs exactly
    const sidxAt = [...starts].find(([, t]) => t === "sidx")![0];
    const v = out[sidxAt + 8]!;
    let q = sidxAt + 20 + (v === 0 ? 4 : 8);
    const firstOffset = v === 0 ? out.readUInt32BE(q) : Number(out.readBigUInt64BE(q));
    q += (v === 0 ? 4 : 8);
    const refCount = out.readUInt16BE(q + 2);
    q += 4;
    let ref = sidxAt + out.readUInt32BE(sidxAt) + firstOffset;
    const moofs = [...starts].filter(([, t]) => t === "moof").map(([p]) => p);
    assert.equal(refCount, moofs.length);
    for (let i = 0; i < refCount; i++, q += 12) {
      assert.equal(starts.get(ref), "moof", `sidx reference ${i} starts at a moof`);
      ref += out.readUInt32BE(q) & 0x7fffffff;
    }
    assert.equal(starts.get(ref), "mfra", "last reference ends where mfra starts");
    // tfra (8.8.10) moof_offset entries point at moofs of the output
    const mfraAt = [...starts].find(([, t]) => t === "mfra")![0];
    const tfraAt = mfraAt + 8;
    assert.equal(out.toString("latin1", tfraAt + 4, tfraAt + 8), "tfra");
    const tv = out[tfraAt + 8]!;
    const sizes = out.readUInt32BE(tfraAt + 16);
    const per = ((sizes >> 4) & 3) + ((sizes >> 2) & 3) + (sizes & 3) + 3;
    const n = out.readUInt32BE(tfraAt + 20);
    assert.ok(n > 0);
    let e = tfraAt + 24;
    for (let i = 0; i < n; i++) {
      e += tv === 1 ? 8 : 4;
      const off = tv === 1 ? Number(out.readBigUInt64BE(e)) : out.readUInt32BE(e);
      assert.ok(moofs.includes(off), `tfra entry ${i} -> moof (${off})`);
      e += (tv === 1 ? 8 : 4) + per;
    }
    // mfro still gives the mfra size
    assert.equal(out.readUInt32BE(out.length - 4), out.length - mfraAt);
    // and the samples decrypt to the clear source bytes
    const f = parseMp4(out);
    const c = parseMp4(input);
    const es: Any[] = f.getTrackById(1).samples;
    const cs: Any[] = c.getTrackById(1).samples;
    assert.equal(es.length, cs.length);
    let k = 0;
    for (const moof of f.moofs as Any[]) {
      for (const entry of readSenc(out, moof.trafs[0].senc.start)) {
        const s = es[k]!; const x = cs[k]!; k++;
        assert.ok(ctrDecrypt(out.subarray(s.offset, s.offset + s.size), entry.iv, entry.subs).equals(input.subarray(x.offset, x.offset + x.size)));
      }
    }
    assert.equal(k, cs.length);
  });

  it("subsamples: clear NAL length + header and non-VCL NALs, whole 16-byte blocks of slice payload protected", () => {
    // Hand-built AVC sample (ISO/IEC 14496-15 length-prefixed, 4-byte lengths): AUD (type 9, 2 bytes),
    // IDR slice (type 5, 1 + 40 bytes), non-IDR slice (type 1, 1 + 15 bytes: too short for a block).
    const nal = (hdr: number, payload: number) => { const b = Buffer.alloc(4 + 1 + payload, 0xaa); b.writeUInt32BE(1 + payload, 0); b[4] = hdr; return b; };
    const sample = Buffer.concat([nal(0x09, 1), nal(0x65, 40), nal(0x41, 15)]);
    // AUD all clear (4+2) + IDR length+header (5) + 40 % 16 = 8 leading clear -> 19 clear, 32 protected; last slice all clear (20)
    assert.deepEqual(avcSubsamples(sample, 4), [{ clear: 19, protected: 32 }, { clear: 20, protected: 0 }]);
  });

  it("refuses input that is not fragmented MP4 with a clear error", async () => {
    const clip = await makeTestClip(join(dir, "plain.mp4"), { seconds: 1 });
    assert.throws(() => splitFragmentedMp4(Buffer.from("not an mp4 at all")), /Invalid MP4|Invalid fragment/);
    await assert.rejects(async () => splitFragmentedMp4(await fs.readFile(clip)), /not fragmented/);
  });
});
