/**
 * HLS playlist writing for the AES-128 rendition (RFC 8216): the media playlist ffmpeg produced gets the key line from
 * the SPEKE response (with our IV), and a multivariant (master) playlist with the matching EXT-X-SESSION-KEY is written.
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
  if (!line.startsWith(tag)) throw bad(`expected a ${tag} line from the key server, got ${JSON.stringify(line.slice(0, 40))}`);
  if (/[\r\n]/.test(line)) throw bad("HLS signalling must be a single line");
  if (keyAttribute(line, "METHOD") !== "AES-128") throw bad(`expected METHOD=AES-128 from the key server, got ${keyAttribute(line, "METHOD")}`);
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
  lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${Math.max(1, Math.round(o.bandwidth))},CODECS="${o.codecs}"${res}`, o.mediaUri, "");
  return lines.join("\n");
}
