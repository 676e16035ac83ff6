import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  localSeed,
  seedFromDataDir,
  seedFromSecret,
  lambdaSeed,
  KEY_SEED_FILE,
} from "../../../functions/keys/seed-source";
import { KeySeed } from "../../../functions/keys/seed";
import { kidFromUuid } from "../../../functions/keys/kid";
import { KeyplaneError } from "../../../functions/errors";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

// Microsoft's published PlayReady test key seed (PlayReady test server docs).
const MS_TEST_SEED = MICROSOFT_TEST_SEED_B64;
const KID = kidFromUuid("8ba94ade-6eb9-449d-b44f-a5beefaf43b0");

describe("keys/seed-source", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kp-seed-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("generates a 0600 seed file in a 0700 directory on first start and reuses it afterwards", () => {
    const data = join(dir, ".keyplane");
    const first = seedFromDataDir(data);
    assert.match(first.source, /^generated /);
    const path = join(data, KEY_SEED_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(data).mode & 0o777, 0o700);
    assert.ok(Buffer.from(readFileSync(path, "utf8").trim(), "base64").length >= 30);
    const second = seedFromDataDir(data);
    assert.match(second.source, /^file /);
    assert.deepEqual(second.seed.contentKey(KID), first.seed.contentKey(KID));
  });

  it("tightens a seed file readable by others to 0600", () => {
    const path = join(dir, KEY_SEED_FILE);
    writeFileSync(path, MS_TEST_SEED);
    chmodSync(path, 0o644);
    seedFromDataDir(dir);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it("refuses a corrupt seed file with a message naming the file and no seed text", () => {
    writeFileSync(join(dir, KEY_SEED_FILE), "c2hvcnQ=");
    assert.throws(
      () => seedFromDataDir(dir),
      (e: unknown) =>
        e instanceof KeyplaneError &&
        e.code === "KEY_SEED_INVALID" &&
        e.message.includes(KEY_SEED_FILE) &&
        !e.message.includes("c2hvcnQ"),
    );
  });

  it("prefers KEY_SEED from the environment over the file", () => {
    const r = localSeed(dir, { KEY_SEED: MS_TEST_SEED });
    assert.equal(r.source, "env KEY_SEED");
    assert.equal(
      r.seed.contentKey(KID).toString("hex"),
      KeySeed.fromBase64(MS_TEST_SEED).contentKey(KID).toString("hex"),
    );
  });

  it("reads a Secrets Manager secret as plain base64 or as JSON {keySeed}", async () => {
    const reader = (value: string) => ({
      getSecretString: async (id: string) => (id === "arn:seed" ? value : undefined),
    });
    const plain = await seedFromSecret("arn:seed", reader(MS_TEST_SEED));
    const json = await seedFromSecret("arn:seed", reader(JSON.stringify({ keySeed: MS_TEST_SEED })));
    // Known answer: the python `cpix` package tests derive DBFD6922C321C4BB486F4A1C44097ED6 for this seed and KID.
    assert.equal(plain.seed.contentKey(KID).toString("hex").toUpperCase(), "DBFD6922C321C4BB486F4A1C44097ED6");
    assert.deepEqual(json.seed.contentKey(KID), plain.seed.contentKey(KID));
    await assert.rejects(seedFromSecret("arn:seed", reader('{"other":1}')), /keySeed/);
    await assert.rejects(
      seedFromSecret("arn:none", reader("x")),
      (e: unknown) => e instanceof KeyplaneError && e.code === "KEY_SEED_MISSING",
    );
  });

  it("on Lambda needs KEY_SEED_SECRET_ARN when KEY_SEED is absent", async () => {
    await assert.rejects(lambdaSeed({}), (e: unknown) => e instanceof KeyplaneError && e.code === "KEY_SEED_MISSING");
    const r = await lambdaSeed({ KEY_SEED_SECRET_ARN: "arn:x" }, { getSecretString: async () => MS_TEST_SEED });
    assert.equal(r.source, "secretsmanager arn:x");
  });
});
