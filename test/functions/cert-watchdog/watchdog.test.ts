/**
 * The watchdog against real AWS SDK v3 clients pointed at loopback stand-ins speaking the services' wire protocols:
 * ACM is AWS JSON 1.1 (`X-Amz-Target: CertificateManager.DescribeCertificate`, timestamps as epoch seconds),
 * CloudWatch is AWS JSON 1.0 in SDK ≥ 3.6xx (`X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`).
 */
import * as assert from "node:assert/strict";
import { ACMClient } from "@aws-sdk/client-acm";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { App } from "../../../functions/http/router";
import { daysToExpiry, runWatchdog } from "../../../functions/cert-watchdog/watchdog";
import { certificateWatchdogConfigSchema } from "../../../functions/cert-watchdog/config";
import { loadConfigSections } from "../../../functions/config-source";

/** The `certificateWatchdog` section as the watchdog's entry reads it, from `KEYPLANE_CONFIG`. */
const parseWatchdogConfig = (json: string | undefined) =>
  loadConfigSections(
    { certificateWatchdog: certificateWatchdogConfigSchema },
    { env: json === undefined ? {} : { KEYPLANE_CONFIG: json } },
  ).certificateWatchdog;
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";

const ARN_OK = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const ARN_GONE = "arn:aws:acm:eu-west-1:123456789012:certificate/99999999-2222-3333-4444-555555555555";
const NOW = Date.parse("2026-11-25T12:00:00Z");
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

describe("cert-watchdog", () => {
  let server: Listening;
  const calls: { target: string; body: Record<string, unknown> }[] = [];

  before(async () => {
    const app = new App();
    app.post("/", async (c) => {
      const target = c.req.header("x-amz-target") ?? "";
      const body = (await c.req.json()) as Record<string, unknown>;
      calls.push({ target, body });
      if (target === "CertificateManager.DescribeCertificate") {
        if (body.CertificateArn === ARN_GONE) {
          return c.json({ __type: "ResourceNotFoundException", message: "not found" }, 400, {
            "content-type": "application/x-amz-json-1.1",
          });
        }
        // Expires 45 days and 6 hours after NOW.
        return c.json(
          {
            Certificate: {
              CertificateArn: body.CertificateArn,
              Type: "IMPORTED",
              NotAfter: (NOW + 45 * 86_400_000 + 6 * 3_600_000) / 1000,
            },
          },
          200,
          { "content-type": "application/x-amz-json-1.1" },
        );
      }
      if (target === "GraniteServiceVersion20100801.PutMetricData")
        return c.json({}, 200, { "content-type": "application/x-amz-json-1.0" });
      return c.json({ __type: "UnknownOperationException" }, 400);
    });
    server = await listen(app);
  });
  after(async () => server.close());
  beforeEach(() => {
    calls.length = 0;
  });

  const clients = () => ({
    acm: new ACMClient({ region: "eu-west-1", endpoint: server.url, credentials, maxAttempts: 1 }),
    cloudwatch: new CloudWatchClient({ region: "eu-west-1", endpoint: server.url, credentials, maxAttempts: 1 }),
  });

  it("daysToExpiry rounds down to whole days and goes negative after expiry", () => {
    assert.equal(daysToExpiry(new Date(NOW + 23 * 3_600_000), NOW), 0);
    assert.equal(daysToExpiry(new Date(NOW + 30 * 86_400_000), NOW), 30);
    assert.equal(daysToExpiry(new Date(NOW - 3_600_000), NOW), -1);
  });

  it("describes each certificate and publishes DaysToExpiry per certificate ARN", async () => {
    const lines: string[] = [];
    const statuses = await runWatchdog(
      { certificateArns: [ARN_OK, ARN_GONE] },
      { ...clients(), logger: createLogger({ sink: (l) => lines.push(l) }), now: () => NOW },
    );
    assert.equal(statuses.length, 2);
    assert.equal(statuses[0]!.daysToExpiry, 45);
    assert.equal(statuses[0]!.type, "IMPORTED");
    assert.equal(statuses[1]!.daysToExpiry, 0, "an undescribable certificate reports 0 so the alarm fires");
    assert.equal(statuses[1]!.error, "ResourceNotFoundException");

    const put = calls.find((c) => c.target.endsWith("PutMetricData"));
    assert.ok(put, "PutMetricData was called");
    assert.equal(put.body.Namespace, "Keyplane/Certificates");
    const data = put.body.MetricData as {
      MetricName: string;
      Value: number;
      Unit: string;
      Dimensions: { Name: string; Value: string }[];
    }[];
    assert.deepEqual(
      data.map((d) => [d.MetricName, d.Value, d.Unit, d.Dimensions[0]!.Name, d.Dimensions[0]!.Value]),
      [
        ["DaysToExpiry", 45, "Count", "CertificateArn", ARN_OK],
        ["DaysToExpiry", 0, "Count", "CertificateArn", ARN_GONE],
      ],
    );
    assert.ok(lines.some((l) => l.includes("certificate_check_failed")));
  });

  it("uses the configured namespace", async () => {
    await runWatchdog(
      { certificateArns: [ARN_OK], namespace: "Media/Certs" },
      { ...clients(), logger: createLogger({ sink: () => undefined }), now: () => NOW },
    );
    assert.equal(calls.find((c) => c.target.endsWith("PutMetricData"))!.body.Namespace, "Media/Certs");
  });

  it("validates its configuration", () => {
    const doc = (s: unknown) => JSON.stringify({ certificateWatchdog: s });
    assert.deepEqual(parseWatchdogConfig(doc({ certificateArns: [ARN_OK] })), {
      certificateArns: [ARN_OK],
      namespace: "Keyplane/Certificates",
    });
    assert.throws(() => parseWatchdogConfig(undefined), /certificateWatchdog: /);
    assert.throws(() => parseWatchdogConfig("{"), /KEYPLANE_CONFIG is not valid JSON/);
    assert.throws(() => parseWatchdogConfig(doc({ certificateArns: [] })), /1 to 100/);
    assert.throws(
      () => parseWatchdogConfig(doc({ certificateArns: ["arn:aws:iam::123456789012:role/x"] })),
      /certificateWatchdog\.certificateArns\.0: must be an ACM certificate ARN/,
    );
    assert.throws(
      () => parseWatchdogConfig(doc({ certificateArns: [ARN_OK], namespace: "AWS/ACM" })),
      /certificateWatchdog\.namespace: must be a custom CloudWatch namespace/,
    );
  });
});
