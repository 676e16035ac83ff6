/**
 * The lab's web routes: the demo page (`/`, `/lab/*`), the packaged media (`/media/*`, static, path-safe, symlinks
 * only within the media directory, with the right MIME types) and Shaka Player (`/vendor/shaka-player.compiled.js`).
 * The lab mounts them behind its guard (lab/web/guard.ts: host allow-list, Content-Security-Policy and friends).
 */
import { App, type PlainResponse } from "../../functions/http/router";
import { promises as fs } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { KeyplaneError } from "../../functions/errors";
import type { AppEnv } from "../../functions/http/env";

export const MIME_TYPES: Record<string, string> = {
  ".mpd": "application/dash+xml",
  ".m3u8": "application/vnd.apple.mpegurl",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
  ".ts": "video/mp2t",
  ".key": "application/octet-stream",
  ".json": "application/json",
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

const ASSETS_DIR = join(__dirname, "assets");
const ASSETS = new Set(["app.js", "style.css"]);
const MAX_STATIC_BYTES = 512 * 1024 * 1024;

function notFound(): KeyplaneError {
  return new KeyplaneError("NOT_FOUND", "No such file", { status: 404 });
}

/**
 * Maps a URL path below a root to a file inside it, or throws 404: no `..` segments, no empty or dot-file segments,
 * no backslashes or NULs, and the resolved path must stay inside the root.
 */
export function safeJoin(root: string, urlPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw notFound();
  }
  if (decoded.includes("\0") || decoded.includes("\\")) throw notFound();
  const parts = decoded.split("/").filter((p) => p !== "");
  if (parts.length === 0 || parts.some((p) => p === "." || p === ".." || p.startsWith("."))) throw notFound();
  const base = resolve(root);
  const full = resolve(base, ...parts);
  if (!full.startsWith(base + sep)) throw notFound();
  return full;
}

type FileContext = { body: (b: Uint8Array, s: 200, h: Record<string, string>) => PlainResponse };

async function sendFile(file: string, c: FileContext, cache: string): Promise<PlainResponse> {
  const fh = await fs.open(file, "r").catch(() => undefined);
  if (!fh) throw notFound();
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_STATIC_BYTES) throw notFound();
    const type = MIME_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    const body = await fh.readFile();
    return c.body(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), 200, {
      "Content-Type": type,
      "Cache-Control": cache,
      "X-Content-Type-Options": "nosniff",
    });
  } finally {
    await fh.close();
  }
}

/**
 * `safeJoin`, then symlinks resolved: the file's real path must lie inside the root's real path (a link inside the
 * media directory to a file inside it is fine; one that leads out of it is 404, like any missing file). The file
 * served is the real path that was checked.
 */
export async function resolveInside(root: string, urlPath: string): Promise<string> {
  const file = safeJoin(root, urlPath);
  const [realRoot, realFile] = await Promise.all([fs.realpath(root), fs.realpath(file)]).catch(() => {
    throw notFound();
  });
  if (!realFile.startsWith(realRoot + sep)) throw notFound();
  return realFile;
}

export function labWebRoutes(opts: { mediaDir: string }): App<AppEnv> {
  const app = new App<AppEnv>();
  const shaka = require.resolve("shaka-player/dist/shaka-player.compiled.js");

  app.get("/", async (c) => {
    const html = await fs.readFile(join(ASSETS_DIR, "index.html"), "utf8");
    return c.html(html, 200, { "Cache-Control": "no-store" });
  });
  app.get("/lab/:name", async (c) => {
    const name = c.req.param("name");
    if (!ASSETS.has(name)) throw notFound();
    return sendFile(join(ASSETS_DIR, name), c, "no-store");
  });
  app.get("/vendor/shaka-player.compiled.js", (c) => sendFile(shaka, c, "public, max-age=3600"));
  app.get("/media/*", async (c) => {
    const rel = c.req.path.slice("/media/".length);
    return sendFile(await resolveInside(opts.mediaDir, rel), c, "no-cache");
  });
  return app;
}
