/**
 * Request headers read from node's IncomingMessage (`requestHeader`) over real loopback HTTP, compared with a second
 * implementation: the WHATWG `Headers` class (Node's global, undici) filled from the same request's raw header lines,
 * which is how fetch itself combines them: same values for single, repeated, missing and mixed-case headers; and the
 * web-request fallback under `app.request()`, against the values sent.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { createBaseApp } from "../../../functions/http/base";
import { nodeIncoming, requestHeader } from "../../../functions/http/incoming";
import { replyJson } from "../../../functions/http/reply";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";

const NAMES = ["authorization", "x-thing", "x-missing", "content-type", "x-mixed"];

/** The independent view: WHATWG Headers built from the raw header lines node received (absent off node:http). */
function webHeaders(env: unknown): Headers | undefined {
  const raw = nodeIncoming(env)?.rawHeaders;
  if (!raw) return undefined;
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
  return h;
}

function app() {
  const a = createBaseApp(staticContext(KeySeed.generate(), { logger: createLogger({ level: "error" }) }));
  a.get("/h", (c) =>
    replyJson(c, {
      onNode: nodeIncoming(c.env) !== undefined,
      ours: Object.fromEntries(NAMES.map((n) => [n, requestHeader(c, n) ?? null])),
      web: Object.fromEntries(NAMES.map((n) => [n, webHeaders(c.env)?.get(n) ?? null])),
    }),
  );
  return a;
}

function get(url: string, headers: Record<string, string | string[]>): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/h`, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(parts).toString("utf8"))));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("http/incoming: request headers from node's IncomingMessage", () => {
  let server: Listening;
  before(async () => {
    server = await listen(app());
  });
  after(() => server.close());

  it("answers exactly what WHATWG Headers answers for the same raw lines: single, repeated, missing, mixed-case", async () => {
    const r = await get(server.url, {
      Authorization: "Bearer abc.def.ghi",
      "x-thing": ["one", "two"],
      "Content-Type": "text/plain",
      "X-MiXeD": " spaced value ",
    });
    assert.equal(r.onNode, true, "served by the node:http adapter");
    assert.deepEqual(r.ours, r.web);
    assert.equal(r.ours["x-thing"], "one, two", "repeated headers joined as fetch joins them");
    assert.equal(r.ours["x-mixed"], "spaced value", "surrounding whitespace is not part of the value");
    assert.equal(r.ours["x-missing"], null);
  });

  it("falls back to the web request where there is no IncomingMessage (app.request, Lambda)", async () => {
    const res = await app().request("/h", { headers: { authorization: "Bearer x.y.z", "x-thing": "one" } });
    const r = (await res.json()) as any;
    assert.equal(r.onNode, false);
    assert.deepEqual(r.ours, {
      authorization: "Bearer x.y.z",
      "x-thing": "one",
      "x-missing": null,
      "content-type": null,
      "x-mixed": null,
    });
  });
});
