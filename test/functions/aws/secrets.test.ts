/**
 * Secrets Manager GetSecretValue on both paths. The direct path (SigV4 over node:http) is checked against two
 * independent references: every request the loopback server receives has its SigV4 signature recomputed from the wire
 * (method, path, the headers named in SignedHeaders, body) with `@smithy/signature-v4` and the test's secret key, and the
 * real `@aws-sdk/client-secrets-manager` client is run against the same server as the second implementation (its
 * request, signature at a fixed clock, endpoint resolution and error objects are the expected values).
 */
import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from "@aws-sdk/client-secrets-manager";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { FinalizeHandler, FinalizeHandlerArguments } from "@smithy/types";
import { directSecretsConfig, secretsManagerReader } from "../../../functions/aws/secrets";

/** A stub with the client's `send` shape; records the GetSecretValue input. */
function stub(out: Record<string, unknown> | Error) {
  const ids: unknown[] = [];
  const client = {
    send: async (cmd: { input: { SecretId?: string } }) => {
      ids.push(cmd.input.SecretId);
      if (out instanceof Error) throw out;
      return out;
    },
  };
  return { client: client as never, ids };
}

describe("aws/secrets: secretsManagerReader", () => {
  describe("with a client (SDK path)", () => {
    it("sends GetSecretValue with the ARN and returns the SecretString", async () => {
      const s = stub({ SecretString: "text" });
      const r = secretsManagerReader({ client: s.client });
      assert.equal(await r.getSecretString("arn:a"), "text");
      assert.equal(await r.getSecretString("arn:b"), "text");
      assert.deepEqual(s.ids, ["arn:a", "arn:b"]);
    });

    it("SecretBinary is read as UTF-8 text only when asked", async () => {
      const out = { SecretBinary: new Uint8Array(Buffer.from("bin-text")) };
      assert.equal(await secretsManagerReader({ client: stub(out).client }).getSecretString("arn:x"), undefined);
      assert.equal(
        await secretsManagerReader({ client: stub(out).client, binaryAsText: true }).getSecretString("arn:x"),
        "bin-text",
      );
    });

    it("lets SDK errors through unchanged for the caller to map", async () => {
      await assert.rejects(
        secretsManagerReader({ client: stub(new Error("throttled")).client }).getSecretString("arn:x"),
        /throttled/,
      );
    });
  });

  describe("path decision and endpoints (directSecretsConfig)", () => {
    const creds = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };
    it("static env credentials and AWS_REGION take the direct path, at the SDK's own endpoint for the region", () => {
      // Expected endpoints: the SDK's endpoint ruleset for the same region (second implementation).
      const sdk = new SecretsManagerClient({ region: "eu-west-1" });
      const provider = (sdk.config as unknown as { endpointProvider: (p: object) => { url: URL } }).endpointProvider;
      for (const region of ["eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1", "il-central-1", "mx-central-1"]) {
        const cfg = directSecretsConfig({ ...creds, AWS_REGION: region });
        assert.ok(cfg, region);
        assert.equal(
          cfg.endpoint.href,
          provider({ Region: region, UseFIPS: false, UseDualStack: false }).url.href,
          region,
        );
        assert.equal(cfg.region, region);
      }
      sdk.destroy();
    });

    it("everything else takes the SDK path", () => {
      const base = { ...creds, AWS_REGION: "eu-west-1" };
      assert.equal(directSecretsConfig({ AWS_REGION: "eu-west-1" }), undefined, "no env credentials");
      assert.equal(directSecretsConfig({ AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKID" }), undefined);
      assert.equal(
        directSecretsConfig({ AWS_REGION: "eu-west-1", AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/c" }),
        undefined,
        "container credentials (SnapStart)",
      );
      assert.equal(directSecretsConfig({ AWS_PROFILE: "dev", AWS_REGION: "eu-west-1" }), undefined, "profile");
      assert.equal(directSecretsConfig(creds), undefined, "no AWS_REGION");
      assert.equal(directSecretsConfig({ ...base, AWS_USE_FIPS_ENDPOINT: "true" }), undefined);
      assert.equal(directSecretsConfig({ ...base, AWS_USE_DUALSTACK_ENDPOINT: "true" }), undefined);
      assert.equal(directSecretsConfig({ ...creds, AWS_REGION: "us-iso-east-1" }), undefined, "other partitions");
    });

    it("endpoint overrides: the service's own variable wins over AWS_ENDPOINT_URL; both off when ignored", () => {
      const base = { ...creds, AWS_REGION: "eu-west-1", AWS_SESSION_TOKEN: "tok" };
      assert.equal(
        directSecretsConfig({ ...base, AWS_ENDPOINT_URL: "http://127.0.0.1:1234" })?.endpoint.href,
        "http://127.0.0.1:1234/",
      );
      assert.equal(
        directSecretsConfig({
          ...base,
          AWS_ENDPOINT_URL: "http://127.0.0.1:1234",
          AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://localhost:5678",
        })?.endpoint.href,
        "http://localhost:5678/",
      );
      assert.equal(
        directSecretsConfig({
          ...base,
          AWS_ENDPOINT_URL: "http://127.0.0.1:1234",
          AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
        })?.endpoint.href,
        "https://secretsmanager.eu-west-1.amazonaws.com/",
      );
      assert.deepEqual(directSecretsConfig(base)?.credentials, {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "tok",
      });
    });
  });

  describe("direct path against a loopback Secrets Manager that verifies SigV4", () => {
    const ACCESS_KEY = "AKIDEXAMPLE";
    const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN = "session-token-example";
    const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:seed-AbCdEf";
    const SECRET = "s3cr3t-seed-value-never-in-errors";

    interface Received {
      method: string;
      url: string;
      headers: IncomingMessage["headers"];
      body: string;
      signatureOk: boolean;
    }
    let server: Server;
    let url = "";
    let received: Received[] = [];
    let answer: (r: Received, res: ServerResponse) => void = () => {};

    /** Recomputes the request's SigV4 signature from what arrived on the wire. */
    async function signatureMatches(req: IncomingMessage, body: string): Promise<boolean> {
      const auth = String(req.headers.authorization ?? "");
      const m =
        /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
          auth,
        );
      if (!m || m[1] !== ACCESS_KEY) return false;
      const amzDate = String(req.headers["x-amz-date"]);
      const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
      if (!d || !amzDate.startsWith(m[2]!)) return false;
      const signingDate = new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!));
      const headers: Record<string, string> = {};
      for (const h of m[5]!.split(";")) headers[h] = String(req.headers[h] ?? "");
      const signer = new SignatureV4({
        service: m[4]!,
        region: m[3]!,
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
        sha256: Hash.bind(null, "sha256"),
      });
      const [path, query = ""] = (req.url ?? "/").split("?");
      const signed = await signer.sign(
        {
          method: req.method ?? "",
          protocol: "http:",
          hostname: "127.0.0.1",
          path: path!,
          query: Object.fromEntries(new URLSearchParams(query)),
          headers,
          body,
        },
        { signingDate },
      );
      return signed.headers.authorization === auth;
    }

    before(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", async () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const r: Received = {
            method: req.method ?? "",
            url: req.url ?? "",
            headers: req.headers,
            body,
            signatureOk: await signatureMatches(req, body),
          };
          received.push(r);
          if (!r.signatureOk) {
            res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
            res.end(JSON.stringify({ __type: "InvalidSignatureException", message: "signature mismatch" }));
            return;
          }
          answer(r, res);
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    beforeEach(() => {
      received = [];
    });

    const env = (over: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_SESSION_TOKEN: TOKEN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
      ...over,
    });
    const json =
      (status: number, body: unknown, headers: Record<string, string> = {}) =>
      (_: Received, res: ServerResponse) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", ...headers });
        res.end(JSON.stringify(body));
      };
    /** The SDK client at the same endpoint, with the same credentials. */
    const sdkClient = (extra: Partial<SecretsManagerClientConfig> = {}) =>
      new SecretsManagerClient({
        region: "eu-west-1",
        endpoint: url,
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, sessionToken: TOKEN },
        ...extra,
      });

    it("reads SecretString with one signed AWS JSON 1.1 GetSecretValue POST", async () => {
      answer = json(200, { ARN, Name: "seed", SecretString: SECRET, VersionId: "v1", VersionStages: ["AWSCURRENT"] });
      assert.equal(await secretsManagerReader({ env: env() }).getSecretString(ARN), SECRET);
      assert.equal(received.length, 1);
      const r = received[0]!;
      assert.ok(r.signatureOk, "SigV4 signature recomputed from the wire");
      // AWS JSON 1.1 protocol and the GetSecretValue API reference.
      assert.equal(r.method, "POST");
      assert.equal(r.url, "/");
      assert.equal(r.headers["content-type"], "application/x-amz-json-1.1");
      assert.equal(r.headers["x-amz-target"], "secretsmanager.GetSecretValue");
      assert.deepEqual(JSON.parse(r.body), { SecretId: ARN });
      assert.equal(r.headers["x-amz-security-token"], TOKEN);
      assert.match(
        String(r.headers.authorization),
        /Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/,
      );
    });

    it("signs exactly as the SDK does at the same clock (same headers, body and Authorization)", async () => {
      answer = json(200, { ARN, SecretString: SECRET });
      const realNow = Date.now;
      const fixed = Date.UTC(2026, 11, 4, 12, 34, 56);
      Date.now = () => fixed;
      const sdk = sdkClient({ maxAttempts: 1 });
      // The SDK adds its own telemetry headers (user agent, invocation id, attempt count) and signs them; drop them
      // just before signing so both requests carry the same header set.
      sdk.middlewareStack.addRelativeTo(
        ((next: FinalizeHandler<object, object>) => async (args: FinalizeHandlerArguments<object>) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          for (const h of ["x-amz-user-agent", "amz-sdk-invocation-id", "amz-sdk-request"]) delete headers[h];
          return next(args);
        }) as never,
        { relation: "before", toMiddleware: "httpSigningMiddleware", name: "dropSdkOnlyHeaders" },
      );
      try {
        assert.equal(await secretsManagerReader({ env: env() }).getSecretString(ARN), SECRET);
        const out = await sdk.send(new GetSecretValueCommand({ SecretId: ARN }));
        assert.equal(out.SecretString, SECRET);
      } finally {
        Date.now = realNow;
        sdk.destroy();
      }
      const [ours, theirs] = received;
      assert.ok(ours?.signatureOk && theirs?.signatureOk);
      assert.equal(ours.headers["x-amz-date"], "20261204T123456Z");
      for (const h of [
        "authorization",
        "x-amz-date",
        "x-amz-content-sha256",
        "x-amz-security-token",
        "x-amz-target",
        "content-type",
        "content-length",
        "host",
      ])
        assert.equal(ours.headers[h], theirs.headers[h], h);
      assert.equal(ours.body, theirs.body);
      assert.equal(ours.url, theirs.url);
    });

    it("SecretBinary (base64 in the JSON body) is read as UTF-8 text only when asked, as on the SDK path", async () => {
      answer = json(200, { ARN, SecretBinary: Buffer.from("bin-text").toString("base64") });
      assert.equal(await secretsManagerReader({ env: env() }).getSecretString(ARN), undefined);
      assert.equal(await secretsManagerReader({ env: env(), binaryAsText: true }).getSecretString(ARN), "bin-text");
      // The SDK decodes the same body to the same bytes.
      const sdk = sdkClient();
      const out = await sdk.send(new GetSecretValueCommand({ SecretId: ARN }));
      sdk.destroy();
      assert.equal(Buffer.from(out.SecretBinary!).toString("utf8"), "bin-text");
    });

    it("AWS_ENDPOINT_URL is used when the service-specific variable is not set", async () => {
      answer = json(200, { ARN, SecretString: SECRET });
      const e = env({ AWS_ENDPOINT_URL: url });
      delete e.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      assert.equal(await secretsManagerReader({ env: e }).getSecretString(ARN), SECRET);
      assert.equal(received.length, 1);
    });

    /** The SDK's error for the same answer (second implementation), then ours. */
    async function bothErrors(respond: (r: Received, res: ServerResponse) => void) {
      answer = respond;
      const sdk = sdkClient();
      const theirs = await sdk.send(new GetSecretValueCommand({ SecretId: ARN })).then(
        () => assert.fail("the SDK did not throw"),
        (e: unknown) => e as Error & { $fault: string; $metadata: { httpStatusCode?: number; attempts?: number } },
      );
      sdk.destroy();
      const ours = await secretsManagerReader({ env: env() })
        .getSecretString(ARN)
        .then(
          () => assert.fail("the reader did not throw"),
          (e: unknown) => e as Error & { $fault: string; $metadata: { httpStatusCode?: number; attempts?: number } },
        );
      return { theirs, ours };
    }

    for (const [code, status, message] of [
      ["ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret."],
      ["AccessDeniedException", 400, "User is not authorized to perform: secretsmanager:GetSecretValue"],
      ["DecryptionFailure", 400, "Secrets Manager can't decrypt the protected secret text using the provided KMS key."],
      [
        "InvalidRequestException",
        400,
        "You can't perform this operation on the secret because it was marked for deletion.",
      ],
      ["InvalidParameterException", 400, "Invalid name. Must be a valid name containing alphanumeric characters."],
    ] as const) {
      it(`${code}: the same name, message, $fault and status as the SDK's error`, async () => {
        const { theirs, ours } = await bothErrors(json(status, { __type: code, Message: message }));
        assert.equal(theirs.name, code);
        assert.equal(ours.name, theirs.name);
        assert.equal(ours.message, theirs.message);
        assert.equal(ours.$fault, theirs.$fault);
        assert.equal(ours.$metadata.httpStatusCode, theirs.$metadata.httpStatusCode);
      });
    }

    it("error codes with a namespace, or in x-amzn-errortype with a URI suffix, are named as the SDK names them", async () => {
      let r = await bothErrors(
        json(400, { __type: "com.amazonaws.secretsmanager#ResourceNotFoundException", message: "gone" }),
      );
      assert.equal(r.ours.name, r.theirs.name);
      assert.equal(r.ours.name, "ResourceNotFoundException");
      r = await bothErrors(
        json(400, { message: "denied" }, { "x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/" }),
      );
      assert.equal(r.ours.name, r.theirs.name);
      assert.equal(r.ours.name, "AccessDeniedException");
    });

    it("InternalServiceError (500) is retried, 3 attempts in all as the SDK, then thrown with the same name", async () => {
      const { theirs, ours } = await bothErrors(json(500, { __type: "InternalServiceError", Message: "oops" }));
      assert.equal(ours.name, "InternalServiceError");
      assert.equal(ours.name, theirs.name);
      assert.equal(ours.$fault, "server");
      assert.equal(ours.$metadata.attempts, theirs.$metadata.attempts);
      assert.equal(received.filter((r) => r.signatureOk).length, 6, "3 SDK attempts + 3 of ours");
    });

    it("a transient 503 followed by success answers the secret", async () => {
      let n = 0;
      answer = (r, res) =>
        ++n === 1
          ? json(503, { __type: "ServiceUnavailable", message: "busy" })(r, res)
          : json(200, { ARN, SecretString: SECRET })(r, res);
      assert.equal(await secretsManagerReader({ env: env() }).getSecretString(ARN), SECRET);
      assert.equal(received.length, 2);
      assert.ok(
        received.every((r) => r.signatureOk),
        "each attempt signed",
      );
    });

    it("the secret value never appears in an error, even when the body cannot be parsed", async () => {
      answer = (_, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(`{"SecretString":"${SECRET}"`); // truncated JSON
      };
      await assert.rejects(secretsManagerReader({ env: env() }).getSecretString(ARN), (e: Error) => {
        assert.equal(e.name, "SecretsManagerServiceException");
        assert.ok(
          !e.message.includes(SECRET) && !String(e.stack).includes(SECRET) && !String(e.cause).includes(SECRET),
        );
        return true;
      });
    });

    it("a server that never answers fails with TimeoutError after timeoutMs", async () => {
      answer = () => {}; // hold the response
      await assert.rejects(secretsManagerReader({ env: env(), timeoutMs: 200 }).getSecretString(ARN), (e: Error) => {
        assert.equal(e.name, "TimeoutError");
        return true;
      });
    });

    it("a response above maxResponseBytes is refused, declared (Content-Length) or streamed (chunked)", async () => {
      const big = JSON.stringify({ ARN, SecretString: SECRET + "x".repeat(4096) });
      answer = json(200, JSON.parse(big));
      const check = (e: Error) => {
        assert.equal(e.name, "SecretsManagerResponseTooLarge");
        assert.ok(!e.message.includes(SECRET));
        return true;
      };
      await assert.rejects(secretsManagerReader({ env: env(), maxResponseBytes: 1024 }).getSecretString(ARN), check);
      answer = (_, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }); // no length: chunked
        for (let i = 0; i < big.length; i += 512) res.write(big.slice(i, i + 512));
        res.end();
      };
      await assert.rejects(secretsManagerReader({ env: env(), maxResponseBytes: 1024 }).getSecretString(ARN), check);
      // The default cap (256 KiB) takes a secret at Secrets Manager's maximum size (64 KiB).
      answer = json(200, { ARN, SecretString: "y".repeat(65_536) });
      assert.equal((await secretsManagerReader({ env: env() }).getSecretString(ARN))?.length, 65_536);
    });
  });
});
