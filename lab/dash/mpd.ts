/**
 * Our DASH MPD writer (static, ISO/IEC 23009-1 SegmentTemplate + SegmentTimeline) with Common Encryption signalling:
 * `urn:mpeg:dash:mp4protection:2011` value `cenc` with `cenc:default_KID`, the DASH-IF ClearKey scheme with
 * `dashif:Laurl`, and any ContentProtection elements the key server returned (e.g. Widevine with `cenc:pssh`).
 */
import { kidToUuid } from "../../functions/keys/kid";
import { parseXmlStrict, xmlAttr, xmlText } from "../../functions/xml/strict";
import type { TrackInfo } from "../mp4/track";

export const DASHIF_CLEARKEY_SCHEME = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e";
export const MP4_PROTECTION_SCHEME = "urn:mpeg:dash:mp4protection:2011";

export interface TimelineEntry { t: number; d: number }

export interface DashRepresentation {
  id: string;
  track: TrackInfo;
  kid: Buffer;
  bandwidth: number;
  /** relative to the MPD, e.g. `video/init.mp4` and `video/seg-$Number$.m4s` */
  initialization: string;
  media: string;
  timeline: TimelineEntry[];
  /** ContentProtection XML elements from the SPEKE response (ContentProtectionData), inserted as-is after validation. */
  extraContentProtection?: string[];
}

export interface MpdOptions {
  durationSec: number;
  representations: DashRepresentation[];
  /** ClearKey license URL written as dashif:Laurl (our `/clearkey`). */
  clearKeyLaUrl: string;
}

export function isoDuration(sec: number): string {
  return `PT${(Math.round(sec * 1000) / 1000).toFixed(3)}S`;
}

function timelineXml(tl: TimelineEntry[]): string {
  const runs: { t: number; d: number; r: number }[] = [];
  let expected = -1;
  for (const e of tl) {
    const last = runs[runs.length - 1];
    if (last && last.d === e.d && e.t === expected) last.r++;
    else runs.push({ t: e.t, d: e.d, r: 0 });
    expected = e.t + e.d;
  }
  return runs.map((r, i) => `<S${i === 0 || tl.length === 0 ? ` t="${r.t}"` : ""} d="${r.d}"${r.r ? ` r="${r.r}"` : ""}/>`).join("");
}

export function contentProtectionElements(kid: Buffer, laUrl: string, extra: string[] = []): string {
  const cps = [
    `<ContentProtection schemeIdUri="${MP4_PROTECTION_SCHEME}" value="cenc" cenc:default_KID="${kidToUuid(kid)}"/>`,
    `<ContentProtection schemeIdUri="${DASHIF_CLEARKEY_SCHEME}" value="ClearKey1.0"><dashif:Laurl>${xmlText(laUrl)}</dashif:Laurl></ContentProtection>`,
  ];
  for (const x of extra) {
    const t = x.trim();
    // must be one ContentProtection element that parses on its own (namespaces declared on the MPD root)
    parseXmlStrict(`<w xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" xmlns:mspr="urn:microsoft:playready">${t.replace(/^<\?xml[^>]*\?>/, "")}</w>`);
    if (!/^(<\?xml[^>]*\?>\s*)?<([A-Za-z0-9_]+:)?ContentProtection[\s>]/.test(t)) continue;
    cps.push(t.replace(/^<\?xml[^>]*\?>\s*/, ""));
  }
  return cps.join("\n      ");
}

export function writeMpd(o: MpdOptions): string {
  const sets = ["video", "audio"].map((kind) => {
    const reps = o.representations.filter((r) => r.track.kind === kind);
    if (reps.length === 0) return "";
    const first = reps[0]!;
    const mime = kind === "video" ? "video/mp4" : "audio/mp4";
    const repXml = reps.map((r) => {
      const attrs = [`id="${xmlAttr(r.id)}"`, `bandwidth="${Math.max(1, Math.round(r.bandwidth))}"`, `codecs="${xmlAttr(r.track.codecs)}"`];
      if (kind === "video") attrs.push(`width="${r.track.width}"`, `height="${r.track.height}"`);
      else attrs.push(`audioSamplingRate="${r.track.sampleRate}"`);
      const ch = kind === "audio" ? `\n        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${r.track.channels}"/>` : "";
      return `      <Representation ${attrs.join(" ")}>${ch}
        <SegmentTemplate timescale="${r.track.timescale}" initialization="${xmlAttr(r.initialization)}" media="${xmlAttr(r.media)}" startNumber="1">
          <SegmentTimeline>${timelineXml(r.timeline)}</SegmentTimeline>
        </SegmentTemplate>
      </Representation>`;
    }).join("\n");
    return `    <AdaptationSet contentType="${kind}" mimeType="${mime}" segmentAlignment="true" startWithSAP="1"${kind === "audio" ? ` lang="und"` : ""}>
      ${contentProtectionElements(first.kid, o.clearKeyLaUrl, first.extraContentProtection)}
${repXml}
    </AdaptationSet>`;
  }).filter(Boolean).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" xmlns:dashif="https://dashif.org/CPS" xmlns:mspr="urn:microsoft:playready" type="static" profiles="urn:mpeg:dash:profile:isoff-live:2011" minBufferTime="PT2S" mediaPresentationDuration="${isoDuration(o.durationSec)}">
  <Period id="0" start="PT0S">
${sets}
  </Period>
</MPD>
`;
}
