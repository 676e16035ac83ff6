/**
 * SPEKE benchmarks: in-process latency with mitata (`handleSpeke`, parse -> keys -> signalling -> XML) and
 * requests/s + latency over loopback HTTP with autocannon against the real app in its own process, pinned to one CPU
 * (bench/support/child.ts, esbuild-bundled like the Lambda). Besides requests/s it prints the server's own CPU time per
 * request (from /proc): 1e6 / that = the requests/s one core sustains, whatever the load generator manages.
 *   (a) v2, 2 keys, Widevine + PlayReady + FairPlay        target: p50 <= 0.5 ms in-process, >= 3,000 req/s loopback
 *   (b) v2, preset VIDEO-8 + AUDIO-3 (7 keys), 3 DRM systems
 *   (c) (a) with content key encryption (RSA-OAEP-wrapped document + MAC keys per response)
 * Run: `npm run bench -- speke` (env BENCH_SECONDS sets the autocannon duration, default 5; BENCH_CONNECTIONS, default 10).
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { measure } from "mitata";
import { staticContext } from "../functions/context";
import { KeySeed } from "../functions/keys/seed";
import { silentLogger } from "../functions/log";
import { parseSpekeConfig } from "../functions/speke/config";
import { handleSpeke } from "../functions/speke/handler";
import { startServerProcess } from "./support/child";
import { calibrate, formatHeader, formatRow, measureLoad, rounds, seconds, type LoadResult } from "./support/load";

const CPIX = "urn:dashif:org:cpix";
const SYS = {
  widevine: "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
  playready: "9a04f079-9840-4286-ab92-e65be0885f95",
  fairplay: "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
};
const HLS = '<cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>';
const CHILDREN: Record<string, string> = {
  [SYS.widevine]: `<cpix:PSSH/><cpix:ContentProtectionData/>${HLS}`,
  [SYS.playready]: `<cpix:PSSH/><cpix:ContentProtectionData/>${HLS}<cpix:SmoothStreamingProtectionHeaderData/>`,
  [SYS.fairplay]: HLS,
};

/** A SPEKE v2 request; `kidBase` picks the KIDs (consecutive from it), so distinct bases give requests with new KIDs. */
export function request(tracks: { type: string; filter: string }[], cert?: string, kidBase = 0xbe00): string {
  const kid = (i: number) => `0f083e4e-b831-4a3d-917e-${(kidBase + i).toString(16).padStart(12, "0")}`;
  let s = `<?xml version="1.0" encoding="UTF-8"?><cpix:CPIX xmlns:cpix="${CPIX}" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" contentId="bench-content" version="2.3">`;
  if (cert)
    s += `<cpix:DeliveryDataList><cpix:DeliveryData><cpix:DeliveryKey><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey></cpix:DeliveryData></cpix:DeliveryDataList>`;
  s += "<cpix:ContentKeyList>";
  tracks.forEach((_, i) => {
    s += `<cpix:ContentKey kid="${kid(i)}" commonEncryptionScheme="cbcs"/>`;
  });
  s += "</cpix:ContentKeyList><cpix:DRMSystemList>";
  tracks.forEach((_, i) => {
    for (const id of Object.values(SYS))
      s += `<cpix:DRMSystem kid="${kid(i)}" systemId="${id}">${CHILDREN[id]}</cpix:DRMSystem>`;
  });
  s += "</cpix:DRMSystemList><cpix:ContentKeyUsageRuleList>";
  tracks.forEach((t, i) => {
    s += `<cpix:ContentKeyUsageRule kid="${kid(i)}" intendedTrackType="${t.type}">${t.filter}</cpix:ContentKeyUsageRule>`;
  });
  return s + "</cpix:ContentKeyUsageRuleList></cpix:CPIX>";
}

export const TWO_KEYS = [
  { type: "VIDEO", filter: "<cpix:VideoFilter/>" },
  { type: "AUDIO", filter: "<cpix:AudioFilter/>" },
];
export const PRESET_V8_A3 = [
  { type: "SD+HD1", filter: '<cpix:VideoFilter maxPixels="921600"/>' },
  { type: "HD2", filter: '<cpix:VideoFilter minPixels="921601" maxPixels="2073600"/>' },
  { type: "UHD1", filter: '<cpix:VideoFilter minPixels="2073601" maxPixels="8847360"/>' },
  { type: "UHD2", filter: '<cpix:VideoFilter minPixels="8847361"/>' },
  { type: "STEREO_AUDIO", filter: '<cpix:AudioFilter maxChannels="2"/>' },
  { type: "MULTICHANNEL_AUDIO_3_6", filter: '<cpix:AudioFilter minChannels="3" maxChannels="6"/>' },
  { type: "MULTICHANNEL_AUDIO_7", filter: '<cpix:AudioFilter minChannels="7"/>' },
];

const fmtMs = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;

export async function benchSpeke(): Promise<void> {
  const cert = readFileSync(
    join(__dirname, "..", "test", "functions", "cpix", "fixtures", "delivery-rsa2048.cert.pem"),
    "utf8",
  )
    .replace(/-----[^-]+-----/g, "")
    .replace(/\s+/g, "");
  const seed = KeySeed.generate();
  const ctx = staticContext(seed, { logger: silentLogger });
  const config = parseSpekeConfig({});
  const scenarios = [
    { name: "(a) 2 keys, WV+PR+FP", body: request(TWO_KEYS) },
    { name: "(b) VIDEO-8+AUDIO-3, 7 keys, WV+PR+FP", body: request(PRESET_V8_A3) },
    { name: "(c) (a) + content key encryption", body: request(TWO_KEYS, cert) },
  ];
  const responseBytes: number[] = [];
  for (const s of scenarios) {
    const r = await handleSpeke({ body: s.body, spekeVersion: "2.0" }, ctx, config);
    if (r.status !== 200) throw new Error(`${s.name}: status ${r.status}: ${r.body}`);
    responseBytes.push(Buffer.byteLength(r.body));
  }

  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${cpus().length} CPUs (wall-clock numbers are only meaningful on an idle machine)`,
  );
  console.log(
    "in-process CPU time per request (process.cpuUsage over 2000 sequential requests after 2000 warm-up; robust to a busy machine):",
  );
  for (const s of scenarios) {
    const n = 2000;
    for (let i = 0; i < n; i++) await handleSpeke({ body: s.body, spekeVersion: "2.0" }, ctx, config);
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await handleSpeke({ body: s.body, spekeVersion: "2.0" }, ctx, config);
    const c = process.cpuUsage(c0);
    const us = (c.user + c.system) / n;
    console.log(
      `  ${s.name.padEnd(42)} ${(us / 1000).toFixed(3)} ms CPU/request  => ~${Math.round(1e6 / us)} req/s per core (in-process)`,
    );
  }
  // New KIDs on every request (a packager starting new content): nothing the key seed or the signalling caches remember
  // applies. Bodies are built beforehand; each request is timed alone (wall) and CPU is summed over the run.
  {
    const n = 4000;
    const bodies = Array.from({ length: 2 * n }, (_, i) => request(TWO_KEYS, undefined, 0x100000 + 2 * i));
    for (let i = 0; i < n; i++) await handleSpeke({ body: bodies[i]!, spekeVersion: "2.0" }, ctx, config);
    const times: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = n; i < 2 * n; i++) {
      const t0 = performance.now();
      const r = await handleSpeke({ body: bodies[i]!, spekeVersion: "2.0" }, ctx, config);
      times.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`new KIDs: status ${r.status}`);
    }
    const c = process.cpuUsage(c0);
    times.sort((a, b) => a - b);
    const us = (x: number) => `${(x * 1000).toFixed(1)} µs`;
    console.log(
      `  ${"(a) with NEW KIDs on every request".padEnd(42)} p50 ${us(times[n >> 1]!)}  p99 ${us(times[Math.floor(n * 0.99)]!)}  ${((c.user + c.system) / n).toFixed(1)} µs CPU/request  (target p50 <= 40 µs)`,
    );
  }
  console.log("in-process (mitata, handleSpeke):");
  for (const s of scenarios) {
    const st = await measure(async () => handleSpeke({ body: s.body, spekeVersion: "2.0" }, ctx, config), {
      min_cpu_time: 1e9,
    });
    console.log(
      `  ${s.name.padEnd(42)} p50 ${fmtMs(st.p50)}  p99 ${fmtMs(st.p99)}  avg ${fmtMs(st.avg)}  ~${Math.round(1e9 / st.avg)} op/s`,
    );
  }

  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const spekeHeaders = { "content-type": "application/xml", "x-speke-version": "2.0" };
  const rows: LoadResult[] = [await calibrate(connections)];
  // A second floor: plain node:http reading the same (a) request and answering as many bytes as (a)'s response, so
  // what the bytes cost the kernel and node's HTTP layer is told apart from what SPEKE adds.
  const sameSize = await calibrate(connections, {
    responseBytes: responseBytes[0]!,
    request: { method: "POST", path: "/speke", body: scenarios[0]!.body, headers: spekeHeaders },
  });
  rows.push(sameSize);
  const server = await startServerProcess({ areas: ["speke"], seedBase64: seed.exportBase64() });
  try {
    for (const s of scenarios) {
      rows.push(
        await measureLoad(server, s.name, {
          url: `${server.url}/speke`,
          method: "POST",
          body: s.body,
          connections,
          headers: spekeHeaders,
        }),
      );
    }
  } finally {
    await server.close();
  }
  console.log(
    `loopback HTTP: ${connections} connections (autocannon), ${rounds()} x ${seconds()} s per scenario after a 1 s warm-up; ${server.placement}; target (a) >= 3,000 req/s on one core`,
  );
  console.log(formatHeader(42));
  for (const r of rows) console.log(formatRow(r, 42, rows[0]));
  const a = rows[2]?.serverCpuUsPerRequest;
  if (a !== undefined && sameSize.serverCpuUsPerRequest !== undefined)
    console.log(`  (a) against the same-size floor: ${(a / sameSize.serverCpuUsPerRequest).toFixed(2)}x`);
}

if (require.main === module) {
  benchSpeke().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
