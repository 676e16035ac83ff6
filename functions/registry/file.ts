/**
 * The lab's content key registry: JSON Lines in the data directory (`.keyplane/content-keys.jsonl`), one
 * `{"kid":"<32 hex>","contentId":"…","at":"<ISO time>"}` per KID, appended when a KID is first served, so records
 * survive restarts. A KID is written once (its first-served time); a torn last line after a crash is skipped.
 * Another process appending to the same file (a second lab on one data directory) is picked up on the next lookup
 * that misses.
 */
import { mkdirSync, openSync, closeSync, readSync, fstatSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { checkRecord, kidConflict, registryUnavailable, type ContentKeyRegistry } from "./registry";

export const CONTENT_KEY_REGISTRY_FILE = "content-keys.jsonl";
const HEX32 = /^[0-9a-f]{32}$/;

export class FileContentKeyRegistry implements ContentKeyRegistry {
  readonly description: string;
  private readonly byKid = new Map<string, string>();
  /** Bytes of the file already read (our own appends are read back like anyone else's: lines never misalign). */
  private offset = 0;
  /** Writes are chained so lines never interleave within this process. */
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {
    this.description = `file ${path}`;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.readNew();
  }

  /** Reads what was appended since the last read (whole lines only). */
  private readNew(): void {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw registryUnavailable(e, (e as NodeJS.ErrnoException).code ?? "read");
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      const end = buf.lastIndexOf(0x0a) + 1; // a line still being written waits for the next read
      for (const line of buf.subarray(0, end).toString("utf8").split("\n")) this.take(line);
      this.offset += end;
    } finally {
      closeSync(fd);
    }
  }

  private take(line: string): void {
    if (!line) return;
    let r: { kid?: unknown; contentId?: unknown };
    try {
      r = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof r.kid !== "string" || !HEX32.test(r.kid) || typeof r.contentId !== "string" || !r.contentId) return;
    if (!this.byKid.has(r.kid)) this.byKid.set(r.kid, r.contentId);
  }

  /** True when the file grew since the last read (cheap: one stat). */
  private grew(): boolean {
    try {
      return statSync(this.path).size > this.offset;
    } catch {
      return false;
    }
  }

  async record(contentId: string, kids: readonly Buffer[], at: number): Promise<void> {
    checkRecord(contentId, kids);
    if (kids.some((k) => this.byKid.get(k.toString("hex")) === undefined) && this.grew()) this.readNew();
    const fresh: string[] = [];
    for (const k of kids) {
      const hex = k.toString("hex");
      const prev = this.byKid.get(hex);
      if (prev !== undefined && prev !== contentId) throw kidConflict(k);
      if (prev === undefined && !fresh.includes(hex)) fresh.push(hex);
    }
    if (fresh.length === 0) return;
    const when = new Date(at).toISOString();
    const text = fresh.map((kid) => JSON.stringify({ kid, contentId, at: when }) + "\n").join("");
    for (const hex of fresh) this.byKid.set(hex, contentId);
    const write = this.writing.then(async () => {
      const fh = await open(this.path, "a", 0o600);
      try {
        await fh.write(text);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    });
    this.writing = write.catch(() => undefined);
    try {
      await write;
    } catch (e) {
      for (const hex of fresh) this.byKid.delete(hex);
      throw registryUnavailable(e, (e as NodeJS.ErrnoException).code ?? "write");
    }
  }

  async contentIdOf(kid: Buffer): Promise<string | undefined> {
    const hex = kid.toString("hex");
    let c = this.byKid.get(hex);
    if (c === undefined && this.grew()) {
      this.readNew();
      c = this.byKid.get(hex);
    }
    return c;
  }

  peek(kid: Buffer): string | undefined {
    // Only a hit is certain: a miss may be in the file by now (another process), so `contentIdOf` decides.
    return this.byKid.get(kid.toString("hex"));
  }
}
