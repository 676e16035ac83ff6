/** HLS AES-128 playlist writing (RFC 8216 4.3.2.4 EXT-X-KEY, 4.3.4.5 EXT-X-SESSION-KEY, 4.3.4.2 EXT-X-STREAM-INF). */
import assert from "node:assert/strict";
import {
  applyKeyLine,
  applySampleAesLines,
  identitySampleAesLine,
  keyAttribute,
  writeMasterPlaylist,
} from "../../../lab/hls/playlists";

const IV = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
const FFMPEG = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-KEY:METHOD=AES-128,URI="http://k/hls/key/x",IV=0x000102030405060708090a0b0c0d0e0f
#EXTINF:2.000000,
seg-0.ts
#EXT-X-ENDLIST
`;

describe("lab/hls/playlists", () => {
  it("replaces ffmpeg's key line with the key server's line and adds the IV", () => {
    const line = '#EXT-X-KEY:METHOD=AES-128,URI="http://k/hls/key/x",KEYFORMAT="identity",KEYFORMATVERSIONS="1"';
    const out = applyKeyLine(FFMPEG, line, IV);
    assert.match(
      out,
      /^#EXT-X-KEY:METHOD=AES-128,URI="http:\/\/k\/hls\/key\/x",KEYFORMAT="identity",KEYFORMATVERSIONS="1",IV=0x000102030405060708090A0B0C0D0E0F$/m,
    );
    assert.equal(out.match(/#EXT-X-KEY/g)?.length, 1);
    assert.match(out, /seg-0\.ts\n#EXT-X-ENDLIST/);
  });

  it("refuses a non-AES-128 line, a multi-line value and an unencrypted playlist", () => {
    assert.throws(() => applyKeyLine(FFMPEG, '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x"', IV), /METHOD=AES-128/);
    assert.throws(() => applyKeyLine(FFMPEG, '#EXT-X-KEY:METHOD=AES-128,URI="a"\n#EXTINF:1,', IV), /single line/);
    assert.throws(
      () => applyKeyLine(FFMPEG.replace(/#EXT-X-KEY.*\n/, ""), '#EXT-X-KEY:METHOD=AES-128,URI="a"', IV),
      /not encrypted/,
    );
  });

  it("reads attributes, quoted or not", () => {
    const l = '#EXT-X-KEY:METHOD=AES-128,URI="https://a/b?x=1,2",IV=0xAB';
    assert.equal(keyAttribute(l, "METHOD"), "AES-128");
    assert.equal(keyAttribute(l, "URI"), "https://a/b?x=1,2");
    assert.equal(keyAttribute(l, "IV"), "0xAB");
    assert.equal(keyAttribute(l, "KEYFORMAT"), undefined);
  });

  it("writes a master playlist with the session key and the stream", () => {
    const m = writeMasterPlaylist({
      mediaUri: "stream.m3u8",
      bandwidth: 760548.4,
      codecs: "avc1.4d401e,mp4a.40.2",
      resolution: { width: 640, height: 360 },
      sessionKeyLine: '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="http://k/hls/key/x"',
    });
    assert.equal(
      m,
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="http://k/hls/key/x"\n#EXT-X-STREAM-INF:BANDWIDTH=760548,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360\nstream.m3u8\n',
    );
  });

  // RFC 8216 4.3.2.4: several EXT-X-KEY tags with different KEYFORMATs may apply to the same segments; SAMPLE-AES in
  // fMP4 is 'cbcs'; KEYFORMAT "identity" means the key itself is at URI. Shaka Packager v3.4 writes one identity line.
  const PACKAGER = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:3
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="video/init.mp4"
#EXT-X-KEY:METHOD=SAMPLE-AES,URI="x",IV=0x84508951d254b589e690f0b2e1915e14,KEYFORMAT="identity"
#EXTINF:2.000,
video/seg-1.m4s
#EXT-X-ENDLIST
`;
  it("SAMPLE-AES: replaces the packager's key line with the given lines in order, keeping the packager's IV", () => {
    const wv =
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,AAAA",KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",KEYFORMATVERSIONS="1"';
    const id = identitySampleAesLine("http://k/hls/key/5f643c09-500b-45d9-a847-02f7578a869c");
    assert.equal(
      id,
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="http://k/hls/key/5f643c09-500b-45d9-a847-02f7578a869c",KEYFORMAT="identity",KEYFORMATVERSIONS="1"',
    );
    const out = applySampleAesLines(PACKAGER, [wv, id]).split("\n");
    const keys = out.filter((l) => l.startsWith("#EXT-X-KEY:"));
    assert.deepEqual(keys, [
      `${wv},IV=0x84508951d254b589e690f0b2e1915e14`,
      `${id},IV=0x84508951d254b589e690f0b2e1915e14`,
    ]);
    assert.equal(
      out.indexOf(keys[0]!),
      PACKAGER.split("\n").findIndex((l) => l.startsWith("#EXT-X-KEY:")),
      "in place of the packager's line",
    );
    assert.ok(out.includes("video/seg-1.m4s"));
  });

  it("SAMPLE-AES: refuses AES-128 lines, lines without KEYFORMAT, no lines, and a playlist without a key line", () => {
    const id = identitySampleAesLine("http://k/key");
    assert.throws(
      () => applySampleAesLines(PACKAGER, ['#EXT-X-KEY:METHOD=AES-128,URI="http://k"']),
      /METHOD=SAMPLE-AES/,
    );
    assert.throws(
      () => applySampleAesLines(PACKAGER, ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="http://k"']),
      /without KEYFORMAT/,
    );
    assert.throws(() => applySampleAesLines(PACKAGER, []), /no SAMPLE-AES key lines/);
    assert.throws(() => applySampleAesLines(PACKAGER.replace(/#EXT-X-KEY.*\n/, ""), [id]), /not encrypted/);
    assert.throws(() => identitySampleAesLine('http://k/"x'), /quotes/);
  });
});
