/**
 * The rules of MediaPackage v2 manifests (API ranges, EXT-X-START limits, DVB-DASH settings, filters), checked before
 * AWS sees them; each message names the endpoint, the argument (with its list index) and the value.
 */
import {
  ENUMS,
  MP2_MIN_MANIFEST_WINDOW_SECONDS,
  MP2_PDT_SECONDS,
  MP2_TIME_DELAY_SECONDS,
  type Checker,
} from "./mediapackage-v2-limits";
import type { Mp2EndpointOptions } from "./mediapackage-v2-endpoint";
import {
  mp2Manifests,
  type Mp2DashManifestArgs,
  type Mp2FilterArgs,
  type Mp2HlsManifestArgs,
  type Mp2MssManifestArgs,
} from "./mediapackage-v2-manifests";

export function checkFilter(
  c: Checker,
  arg: string,
  f: Mp2FilterArgs | undefined,
  startover: number | undefined,
): void {
  if (f === undefined) return;
  c.str(`${arg}.manifestFilter`, f.manifestFilter, 1, 1024);
  c.int(`${arg}.timeDelaySeconds`, f.timeDelaySeconds, MP2_TIME_DELAY_SECONDS.min, MP2_TIME_DELAY_SECONDS.max);
  if (f.timeDelaySeconds !== undefined && startover !== undefined && f.timeDelaySeconds >= startover) {
    c.fail(
      `${arg}.timeDelaySeconds`,
      f.timeDelaySeconds,
      `must be smaller than the endpoint's startoverWindowSeconds (${startover})`,
    );
  }
  const start = c.time(`${arg}.start`, f.start);
  const end = c.time(`${arg}.end`, f.end);
  c.time(`${arg}.clipStartTime`, f.clipStartTime);
  if (f.clipStartTime !== undefined && (f.start !== undefined || f.end !== undefined))
    c.fail(`${arg}.clipStartTime`, f.clipStartTime, "cannot be combined with start or end");
  if (start !== undefined && end !== undefined && end <= start)
    c.fail(`${arg}.end`, f.end, `must be after start (${f.start})`);
  c.str(`${arg}.drmSettings`, f.drmSettings, 1, 1024);
}

export function checkHls(
  c: Checker,
  arg: string,
  m: Mp2HlsManifestArgs,
  seg: number,
  startover: number | undefined,
): void {
  c.name(`${arg}.name`, m.name);
  c.name(`${arg}.childManifestName`, m.childManifestName);
  c.int(`${arg}.manifestWindowSeconds`, m.manifestWindowSeconds, MP2_MIN_MANIFEST_WINDOW_SECONDS);
  c.int(
    `${arg}.programDateTimeIntervalSeconds`,
    m.programDateTimeIntervalSeconds,
    MP2_PDT_SECONDS.min,
    MP2_PDT_SECONDS.max,
  );
  c.oneOf(`${arg}.adMarkers`, m.adMarkers, ENUMS.adMarkerHls);
  if (m.adMarkers === "DATERANGE" && m.programDateTimeIntervalSeconds === undefined)
    c.fail(
      `${arg}.adMarkers`,
      m.adMarkers,
      "needs programDateTimeIntervalSeconds of 1 or more (EXT-X-DATERANGE relies on EXT-X-PROGRAM-DATE-TIME)",
    );
  c.oneOf(`${arg}.scteInManifests`, m.scteInManifests, ENUMS.scteInManifests);
  if (m.startTag !== undefined) {
    const o = m.startTag.timeOffset;
    if (typeof o !== "number" || !Number.isFinite(o))
      c.fail(`${arg}.startTag.timeOffset`, o, "must be a number of seconds");
    const win = m.manifestWindowSeconds;
    if (o > 0 && win !== undefined && o >= win - 3 * seg)
      c.fail(
        `${arg}.startTag.timeOffset`,
        o,
        `must be less than manifestWindowSeconds minus 3 x segmentDurationSeconds (${win - 3 * seg})`,
      );
    if (o < 0 && Math.abs(o) <= 3 * seg)
      c.fail(`${arg}.startTag.timeOffset`, o, `must be further back than 3 x segmentDurationSeconds (${3 * seg} s)`);
    if (o < 0 && win !== undefined && Math.abs(o) >= win)
      c.fail(`${arg}.startTag.timeOffset`, o, `must be within manifestWindowSeconds (${win} s)`);
  }
  checkFilter(c, `${arg}.filter`, m.filter, startover);
}

export function checkDash(
  c: Checker,
  arg: string,
  m: Mp2DashManifestArgs,
  encrypted: boolean,
  startover: number | undefined,
): void {
  c.name(`${arg}.name`, m.name);
  c.int(`${arg}.manifestWindowSeconds`, m.manifestWindowSeconds, MP2_MIN_MANIFEST_WINDOW_SECONDS);
  c.int(`${arg}.minUpdatePeriodSeconds`, m.minUpdatePeriodSeconds, 1, 3600);
  c.int(`${arg}.minBufferTimeSeconds`, m.minBufferTimeSeconds, 0, 3600);
  c.int(`${arg}.suggestedPresentationDelaySeconds`, m.suggestedPresentationDelaySeconds, 0, 3600);
  c.oneOf(`${arg}.segmentTemplateFormat`, m.segmentTemplateFormat, ENUMS.segmentTemplateFormat);
  c.list(`${arg}.periodTriggers`, m.periodTriggers, ENUMS.periodTrigger, 100);
  c.oneOf(`${arg}.drmSignaling`, m.drmSignaling, ENUMS.drmSignaling);
  if (m.drmSignaling !== undefined && !encrypted)
    c.fail(`${arg}.drmSignaling`, m.drmSignaling, "needs the endpoint's encryption");
  if (m.utcTiming !== undefined) {
    c.oneOf(`${arg}.utcTiming.mode`, m.utcTiming.mode, ENUMS.utcTimingMode);
    c.str(`${arg}.utcTiming.source`, m.utcTiming.source, 1, 1024);
    if (m.utcTiming.mode === "UTC_DIRECT" && m.utcTiming.source !== undefined)
      c.fail(`${arg}.utcTiming.source`, m.utcTiming.source, "must be left out with mode UTC_DIRECT");
  }
  c.list(`${arg}.profiles`, m.profiles, ENUMS.profile);
  const dvb = m.profiles?.includes("DVB_DASH") ?? false;
  if (m.dvbSettings !== undefined && !dvb)
    c.fail(`${arg}.dvbSettings`, m.profiles ?? [], 'needs profiles ["DVB_DASH"]');
  if (m.baseUrls !== undefined) {
    if (m.baseUrls.length > 20) c.fail(`${arg}.baseUrls`, m.baseUrls.length, "must list at most 20 base URLs");
    m.baseUrls.forEach((b, i) => {
      if (!dvb && (b.dvbPriority !== undefined || b.dvbWeight !== undefined))
        c.fail(`${arg}.baseUrls[${i}]`, b.url, 'sets dvbPriority/dvbWeight, which need profiles ["DVB_DASH"]');
    });
  }
  c.oneOf(`${arg}.compactness`, m.compactness, ENUMS.compactness);
  c.oneOf(`${arg}.ttmlProfile`, m.ttmlProfile, ENUMS.ttmlProfile);
  c.oneOf(`${arg}.adMarkers`, m.adMarkers, ENUMS.adMarkerDash);
  c.oneOf(`${arg}.scteInManifests`, m.scteInManifests, ENUMS.scteInManifests);
  checkFilter(c, `${arg}.filter`, m.filter, startover);
}

export function checkMss(c: Checker, arg: string, m: Mp2MssManifestArgs, startover: number | undefined): void {
  c.name(`${arg}.name`, m.name);
  c.int(`${arg}.manifestWindowSeconds`, m.manifestWindowSeconds, MP2_MIN_MANIFEST_WINDOW_SECONDS);
  c.oneOf(`${arg}.layout`, m.layout, ENUMS.mssLayout);
  checkFilter(c, `${arg}.filter`, m.filter, startover);
}

/**
 * The manifests of one endpoint: lists, container compatibility (DASH needs CMAF, MSS needs ISM, ISM has no HLS), at
 * least one manifest, no repeated name (HLS and LL-HLS share the .m3u8 namespace), then each manifest's own rules.
 */
export function checkMp2Manifests(c: Checker, e: Mp2EndpointOptions, seg: number): void {
  for (const [arg, l] of [
    ["hlsManifests", e.hlsManifests],
    ["lowLatencyHlsManifests", e.lowLatencyHlsManifests],
    ["dashManifests", e.dashManifests],
    ["mssManifests", e.mssManifests],
  ] as const) {
    if (l !== undefined && !Array.isArray(l)) c.fail(arg, l, "must be a list");
  }
  const m = mp2Manifests(e);
  if ((e.dashManifests?.length ?? 0) > 0 && e.container !== "CMAF")
    c.fail(
      "dashManifests",
      m.dash.map((x) => x.name),
      `: DASH manifests need the CMAF container (container is ${e.container})`,
    );
  if ((e.mssManifests?.length ?? 0) > 0 && e.container !== "ISM")
    c.fail(
      "mssManifests",
      m.mss.map((x) => x.name),
      `: MSS manifests need the ISM container (container is ${e.container})`,
    );
  if (e.container === "ISM" && (m.hls.length > 0 || m.llHls.length > 0))
    c.fail(
      m.hls.length ? "hlsManifests" : "lowLatencyHlsManifests",
      [...m.hls, ...m.llHls].map((x) => x.name),
      ": HLS manifests are not available with the ISM container (use mssManifests)",
    );
  if (m.hls.length + m.llHls.length + m.dash.length + m.mss.length === 0)
    c.fail("manifests", [], "must list at least one manifest (HLS, low-latency HLS, DASH or MSS)");
  const dupIn = (arg: string, names: string[]) => {
    const d = names.find((n, i) => names.indexOf(n) !== i);
    if (d !== undefined) c.fail(arg, d, "must not repeat a manifest name (duplicate manifest name)");
  };
  for (const [arg, l] of [
    ["hlsManifests", m.hls],
    ["lowLatencyHlsManifests", m.llHls],
    ["dashManifests", m.dash],
    ["mssManifests", m.mss],
  ] as const)
    dupIn(
      arg,
      l.map((x) => x.name),
    );
  const both = m.llHls.find((x) => m.hls.some((h) => h.name === x.name));
  if (both)
    c.fail(
      "lowLatencyHlsManifests",
      both.name,
      "must not reuse an HLS manifest name (duplicate manifest name: both are .m3u8)",
    );
  const startover = e.startoverWindowSeconds;
  m.hls.forEach((x, i) => {
    checkHls(c, `hlsManifests[${i}]`, x, seg, startover);
  });
  m.llHls.forEach((x, i) => {
    checkHls(c, `lowLatencyHlsManifests[${i}]`, x, seg, startover);
  });
  m.dash.forEach((x, i) => {
    checkDash(c, `dashManifests[${i}]`, x, e.encryption !== undefined, startover);
  });
  m.mss.forEach((x, i) => {
    checkMss(c, `mssManifests[${i}]`, x, startover);
  });
}
