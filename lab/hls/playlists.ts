/**
 * HLS key signalling (RFC 8216 4.3.2.4, 4.3.4.5). AES-128 (MPEG-TS): the media playlist ffmpeg produced gets the key
 * line from the SPEKE response (with our IV), and a multivariant (master) playlist with the matching
 * EXT-X-SESSION-KEY is written. SAMPLE-AES (fMP4 `cbcs`): each media playlist Shaka Packager wrote gets the SPEKE
 * `#EXT-X-KEY` lines of the key its track is encrypted with, in place of the packager's own line.
 */
import { KeyplaneError } from "../../functions/errors";

function bad(msg: string): KeyplaneError {
  return new KeyplaneError("HLS_SIGNALLING_INVALID", msg, { status: 502 });
}

/** Reads one attribute (quoted or not) from an EXT-X-KEY / EXT-X-SESSION-KEY line. */
export function keyAttribute(line: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|[:,])${name}=(?:"([^"]*)"|([^,]*))`);
  const m = re.exec(line);
  return m ? (m[1] ?? m[2]) : undefined;
}

function withIv(line: string, iv: Buffer): string {
  if (keyAttribute(line, "IV") !== undefined) return line;
  return `${line},IV=0x${iv.toString("hex").toUpperCase()}`;
}

/** Checks a SPEKE HLS line is an AES-128 key line of the expected tag. */
export function assertAes128Line(line: string, tag: "#EXT-X-KEY:" | "#EXT-X-SESSION-KEY:"): void {
  if (!line.startsWith(tag))
    throw bad(`expected a ${tag} line from the key server, got ${JSON.stringify(line.slice(0, 40))}`);
  if (/[\r\n]/.test(line)) throw bad("HLS signalling must be a single line");
  if (keyAttribute(line, "METHOD") !== "AES-128")
    throw bad(`expected METHOD=AES-128 from the key server, got ${keyAttribute(line, "METHOD")}`);
  if (!keyAttribute(line, "URI")) throw bad("HLS key line without URI");
}

/** Replaces every EXT-X-KEY line of ffmpeg's media playlist with the key server's line (IV added when absent). */
export function applyKeyLine(mediaPlaylist: string, keyLine: string, iv: Buffer): string {
  assertAes128Line(keyLine, "#EXT-X-KEY:");
  const lines = mediaPlaylist.split(/\r?\n/);
  if (lines[0] !== "#EXTM3U") throw bad("ffmpeg's media playlist does not start with #EXTM3U");
  let n = 0;
  const out = lines.map((l) => {
    if (!l.startsWith("#EXT-X-KEY:")) return l;
    n++;
    return withIv(keyLine, iv);
  });
  if (n === 0) throw bad("ffmpeg's media playlist has no EXT-X-KEY line: the segments are not encrypted");
  return out.join("\n");
}

export interface MasterOptions {
  mediaUri: string;
  bandwidth: number;
  codecs: string;
  resolution?: { width: number; height: number };
  sessionKeyLine?: string;
}

export function writeMasterPlaylist(o: MasterOptions): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"];
  if (o.sessionKeyLine) {
    assertAes128Line(o.sessionKeyLine, "#EXT-X-SESSION-KEY:");
    lines.push(o.sessionKeyLine);
  }
  const res = o.resolution ? `,RESOLUTION=${o.resolution.width}x${o.resolution.height}` : "";
  lines.push(
    `#EXT-X-STREAM-INF:BANDWIDTH=${Math.max(1, Math.round(o.bandwidth))},CODECS="${o.codecs}"${res}`,
    o.mediaUri,
    "",
  );
  return lines.join("\n");
}

/** Checks a SPEKE HLS line is a SAMPLE-AES `#EXT-X-KEY` line (fMP4 `cbcs`) with a URI and a KEYFORMAT. */
export function assertSampleAesLine(line: string): void {
  if (!line.startsWith("#EXT-X-KEY:"))
    throw bad(`expected an #EXT-X-KEY: line, got ${JSON.stringify(line.slice(0, 40))}`);
  if (/[\r\n]/.test(line)) throw bad("HLS signalling must be a single line");
  if (keyAttribute(line, "METHOD") !== "SAMPLE-AES")
    throw bad(`expected METHOD=SAMPLE-AES for cbcs, got ${keyAttribute(line, "METHOD")}`);
  if (!keyAttribute(line, "URI")) throw bad("HLS key line without URI");
  if (!keyAttribute(line, "KEYFORMAT")) throw bad("SAMPLE-AES key line without KEYFORMAT");
}

/**
 * The ClearKey line for fMP4 `cbcs` (RFC 8216 4.3.2.4: KEYFORMAT "identity" = the key itself at URI; SAMPLE-AES in
 * fMP4 = Common Encryption `cbcs`), built on the key delivery URI the key server signalled for this KID.
 */
export function identitySampleAesLine(keyUri: string): string {
  if (/["\r\n]/.test(keyUri)) throw bad("key URI must not contain quotes or line breaks");
  return `#EXT-X-KEY:METHOD=SAMPLE-AES,URI="${keyUri}",KEYFORMAT="identity",KEYFORMATVERSIONS="1"`;
}

/**
 * Replaces the packager's `#EXT-X-KEY` line(s) of an fMP4 media playlist with the given SAMPLE-AES lines (one per
 * KEYFORMAT; a player uses the one it supports). The packager's IV (that of its `tenc` box) is added to lines without
 * one. All packager key lines must be SAMPLE-AES: anything else means the segments are not what the lines say.
 */
export function applySampleAesLines(mediaPlaylist: string, keyLines: string[]): string {
  if (keyLines.length === 0) throw bad("no SAMPLE-AES key lines to write");
  for (const l of keyLines) assertSampleAesLine(l);
  const lines = mediaPlaylist.split(/\r?\n/);
  if (lines[0] !== "#EXTM3U") throw bad("the packager's media playlist does not start with #EXTM3U");
  const out: string[] = [];
  let n = 0;
  for (const l of lines) {
    if (!l.startsWith("#EXT-X-KEY:")) {
      out.push(l);
      continue;
    }
    if (keyAttribute(l, "METHOD") !== "SAMPLE-AES")
      throw bad(`the packager wrote ${l.slice(0, 40)}, expected METHOD=SAMPLE-AES`);
    if (n++ > 0) continue;
    const iv = keyAttribute(l, "IV");
    for (const k of keyLines) out.push(iv !== undefined && keyAttribute(k, "IV") === undefined ? `${k},IV=${iv}` : k);
  }
  if (n === 0) throw bad("the packager's media playlist has no EXT-X-KEY line: the segments are not encrypted");
  return out.join("\n");
}
