/**
 * lab/shaka.ts: the Shaka Packager binary from the `shaka-packager` npm package (Google's official builds), run the
 * way the lab runs it. A failing packager is reported with its own message; its npm wrapper (index.js) exits 0 even
 * then, which is why the lab runs the platform binary and reads its exit code.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packagerMessage, packagerPath, packagerVersion, runPackager } from "../../lab/shaka";

describe("lab/shaka: Shaka Packager", function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), "keyplane-shaka-"));
  });
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("finds the platform binary of the installed package and reads its version", async () => {
    assert.match(packagerPath(), /shaka-packager[\\/]bin[\\/]packager-/);
    assert.match(await packagerVersion(), /^v3\.\d+\.\d+/);
  });

  it("the npm wrapper would hide a failure (exit 0), the binary does not", () => {
    const args = ["in=" + join(dir, "missing.mp4") + ",stream=video,output=" + join(dir, "x.mp4"), "--quiet"];
    const wrapper = spawnSync(process.execPath, [require.resolve("shaka-packager")].concat(args), { stdio: "pipe" });
    assert.equal(wrapper.status, 0, "shaka-packager/index.js drops the exit code");
    const bin = spawnSync(packagerPath(), args, { stdio: "pipe" });
    assert.notEqual(bin.status, 0);
  });

  it("a packager failure is a PACKAGER_FAILED error with the packager's own message; the key flag file is gone", async () => {
    const key = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    await assert.rejects(
      runPackager({
        streams: [
          {
            in: join(dir, "missing.mp4"),
            stream: "video",
            init_segment: join(dir, "init.mp4"),
            segment_template: join(dir, "s-$Number$.m4s"),
          },
        ],
        keys: [{ label: "", kid: Buffer.alloc(16, 1), key }],
        pssh: [],
        scheme: "cenc",
        flags: [],
        workDir: dir,
      }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "PACKAGER_FAILED");
        assert.match(
          e.message,
          /Shaka Packager failed \(exit \d+\):\nPackaging Error: 5 \(FILE_FAILURE\): Cannot open file for reading .*missing\.mp4/,
        );
        assert.doesNotMatch(e.message, /00112233445566778899aabbccddeeff/);
        return true;
      },
    );
    assert.deepEqual(await fs.readdir(dir), [], "no flag file (with the key) left behind");
  });

  it("refuses stream descriptor values with a comma (they would split the descriptor)", async () => {
    await assert.rejects(
      runPackager({
        streams: [{ in: "a,b.mp4", stream: "video" }],
        keys: [],
        pssh: [],
        scheme: "cenc",
        flags: [],
        workDir: dir,
      }),
      /contains a comma/,
    );
  });

  it("packagerMessage keeps warning/error lines without glog prefixes, drops INFO and duplicates", () => {
    const log = [
      "I1204 18:35:09.813821   25130 demuxer.cc:94] Demuxer::Run() on file 'clear.mp4'.",
      "E1204 18:46:30.787859    4086 packager_main.cc:629] Packaging Error: 5 (FILE_FAILURE): Cannot open file",
      "E1204 18:46:30.875700    4088 packager_main.cc:629] Packaging Error: 5 (FILE_FAILURE): Cannot open file",
    ].join("\n");
    assert.equal(packagerMessage(log), "Packaging Error: 5 (FILE_FAILURE): Cannot open file");
    assert.equal(packagerMessage("plain text\nsecond"), "plain text\nsecond");
  });
});
