/**
 * The demo media the lab serves under /media: a generated test clip packaged (DASH cenc, HLS fMP4 cbcs, HLS MPEG-TS
 * AES-128; Shaka Packager + ffmpeg) against the running key server. Packaged once per media directory and key server URL; reused on later starts.
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE, packageMedia, resultKids, type PackageResult } from "./package";

export interface DemoMedia {
  dash: string;
  hlsCbcs: string;
  hls: string;
  kids: string[];
}

/** Reads `<mediaDir>/keyplane.json` when it exists and its files are present. */
export async function readPackaged(mediaDir: string): Promise<PackageResult | undefined> {
  try {
    const r = JSON.parse(await fs.readFile(join(mediaDir, MANIFEST_FILE), "utf8")) as PackageResult;
    // media packaged by an older lab (no cbcs rendition, no exchange summary) are packaged again
    if (
      typeof r.dash !== "string" ||
      typeof r.hls !== "string" ||
      typeof r.hlsCbcs !== "string" ||
      typeof r.exchange !== "string"
    )
      return undefined;
    if (!r.kids?.video || !r.kids.cbcsVideo || !r.kids.hls) return undefined;
    for (const f of [r.dash, r.hlsCbcs, r.hls, r.exchange]) await fs.access(join(mediaDir, f));
    return r;
  } catch {
    return undefined;
  }
}

const inflight = new Map<string, Promise<PackageResult>>();

/** Packages a generated clip into mediaDir unless media packaged against the same key server are already there. */
export async function ensureDemoMedia(o: {
  keyServerUrl: string;
  mediaDir: string;
  log?: (msg: string) => void;
}): Promise<DemoMedia> {
  const keyServerUrl = o.keyServerUrl.replace(/\/+$/, "");
  const existing = await readPackaged(o.mediaDir);
  let r: PackageResult;
  if (existing && existing.keyServerUrl === keyServerUrl) {
    o.log?.(`demo media already packaged in ${o.mediaDir}`);
    r = existing;
  } else {
    let p = inflight.get(o.mediaDir);
    if (!p) {
      o.log?.(`packaging demo media into ${o.mediaDir}`);
      p = packageMedia({
        outDir: o.mediaDir,
        keyServerUrl,
        contentId: "keyplane-lab-demo",
        ...(o.log ? { log: o.log } : {}),
      }).finally(() => inflight.delete(o.mediaDir));
      inflight.set(o.mediaDir, p);
    }
    r = await p;
  }
  return { dash: r.dash, hlsCbcs: r.hlsCbcs, hls: r.hls, kids: resultKids(r) };
}
