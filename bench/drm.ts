/**
 * DRM signalling throughput: WRMHEADER + PlayReady Object + PlayReady PSSH (with checksums), and the Widevine PSSH,
 * for 1 and 7 KIDs. Run via `npm run bench -- drm`. Numbers are printed, never asserted.
 */
import { bench, do_not_optimize, run, summary } from "mitata";
import { playReadyObject, playReadyPssh, wrmHeader, type PlayReadyHeaderVersion } from "../functions/drm/playready";
import { widevinePssh } from "../functions/drm/widevine";
import { KeySeed } from "../functions/keys/seed";

function kids(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(16, 0x11 * (i + 1));
    b[15] = i;
    return b;
  });
}

function playReady(keys: { kid: Buffer; key: Buffer }[], version: PlayReadyHeaderVersion): Buffer {
  const xml = wrmHeader({
    version,
    keys: keys.map((k) => ({ ...k, algid: "AESCTR" as const })),
    laUrl: "https://license.example/playready/rightsmanager.asmx",
  });
  return playReadyPssh({ pro: playReadyObject(xml), kids: keys.map((k) => k.kid) });
}

export async function benchDrm(): Promise<void> {
  const seed = KeySeed.generate();
  const one = kids(1).map((kid) => ({ kid, key: seed.contentKey(kid) }));
  const seven = kids(7).map((kid) => ({ kid, key: seed.contentKey(kid) }));
  summary(() => {
    bench("playready wrmHeader+PRO+PSSH, 1 KID (4.0.0.0)", () => do_not_optimize(playReady(one, "4.0.0.0")));
    bench("playready wrmHeader+PRO+PSSH, 7 KIDs (4.2.0.0)", () => do_not_optimize(playReady(seven, "4.2.0.0")));
    bench("widevine PSSH, 1 KID", () =>
      do_not_optimize(widevinePssh({ kids: one.map((k) => k.kid), protectionScheme: "cenc" })),
    );
    bench("widevine PSSH, 7 KIDs", () =>
      do_not_optimize(widevinePssh({ kids: seven.map((k) => k.kid), protectionScheme: "cenc" })),
    );
  });
  const { benchmarks } = await run();
  console.log("\ndrm ops/s (1e9 / mean ns; p50 in parentheses):");
  for (const t of benchmarks) {
    for (const r of t.runs) {
      if (!r.stats) continue;
      const p50 = (r.stats as { p50?: number }).p50 ?? r.stats.avg;
      console.log(
        `  ${r.name.padEnd(48)} ${Math.round(1e9 / r.stats.avg)
          .toLocaleString("en-US")
          .padStart(10)} ops/s  (${Math.round(1e9 / p50).toLocaleString("en-US")})`,
      );
    }
  }
}

if (require.main === module) {
  benchDrm().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
