/** HLS AES-128 playlist writing (RFC 8216 4.3.2.4 EXT-X-KEY, 4.3.4.5 EXT-X-SESSION-KEY, 4.3.4.2 EXT-X-STREAM-INF). */
import assert from "node:assert/strict";
import { applyKeyLine, keyAttribute, writeMasterPlaylist } from "../../../lab/hls/playlists";

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
    assert.match(out, /^#EXT-X-KEY:METHOD=AES-128,URI="http:\/\/k\/hls\/key\/x",KEYFORMAT="identity",KEYFORMATVERSIONS="1",IV=0x000102030405060708090A0B0C0D0E0F$/m);
    assert.equal(out.match(/#EXT-X-KEY/g)?.length, 1);
    assert.match(out, /seg-0\.ts\n#EXT-X-ENDLIST/);
  });

  it("refuses a non-AES-128 line, a multi-line value and an unencrypted playlist", () => {
    assert.throws(() => applyKeyLine(FFMPEG, '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x"', IV), /METHOD=AES-128/);
    assert.throws(() => applyKeyLine(FFMPEG, '#EXT-X-KEY:METHOD=AES-128,URI="a"\n#EXTINF:1,', IV), /single line/);
    assert.throws(() => applyKeyLine(FFMPEG.replace(/#EXT-X-KEY.*\n/, ""), '#EXT-X-KEY:METHOD=AES-128,URI="a"', IV), /not encrypted/);
  });

  it("reads attributes, quoted or not", () => {
    const l = '#EXT-X-KEY:METHOD=AES-128,URI="https://a/b?x=1,2",IV=0xAB';
    assert.equal(keyAttribute(l, "METHOD"), "AES-128");
    assert.equal(keyAttribute(l, "URI"), "https://a/b?x=1,2");
    assert.equal(keyAttribute(l, "IV"), "0xAB");
    assert.equal(keyAttribute(l, "KEYFORMAT"), undefined);
  });

  it("writes a master playlist with the session key and the stream", () => {
    const m = writeMasterPlaylist({ mediaUri: "stream.m3u8", bandwidth: 760548.4, codecs: "avc1.4d401e,mp4a.40.2", resolution: { width: 640, height: 360 }, sessionKeyLine: '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="http://k/hls/key/x"' });
    assert.equal(m, '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="http://k/hls/key/x"\n#EXT-X-STREAM-INF:BANDWIDTH=760548,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360\nstream.m3u8\n');
  });
});
