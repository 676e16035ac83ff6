import { selfSignedCertificate } from "../../support/openssl";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { checkSpekeCertificate } from "../../../components/aws/certificate-check";
import { SpekeCertificate } from "../../../components/aws/speke-certificate";
import {
  assertLeastPrivilege,
  installMocks,
  isSecretValue,
  ofType,
  policyOf,
  reveal,
  settle,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";
import { loadConfigSections } from "../../../functions/config-source";
import { certificateWatchdogConfigSchema } from "../../../functions/cert-watchdog/config";

/** Self-signed certificates made with the openssl CLI (real X.509, independent of node:crypto). */
function makeCert(name: string, keyArgs: string[], days = 365): { cert: string; key: string } {
  const c = selfSignedCertificate(keyArgs, { days, commonName: name });
  return { cert: c.certPem, key: c.keyPem };
}

describe("components/aws SpekeCertificate", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  let rsa2048: { cert: string; key: string };
  let rsa3072: { cert: string; key: string };
  let ec: { cert: string; key: string };
  let other2048: { cert: string; key: string };

  before(() => {
    rsa2048 = makeCert("speke", ["rsa:2048"]);
    other2048 = makeCert("other", ["rsa:2048"]);
    rsa3072 = makeCert("big", ["rsa:3072"]);
    ec = makeCert("ec", ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
  });
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("checks 2048-bit RSA, key match and expiry with node:crypto at plan time", () => {
    const f = checkSpekeCertificate(rsa2048.cert, rsa2048.key);
    assert.equal(f.modulusLength, 2048);
    assert.ok(f.notAfter.getTime() > Date.now());
    assert.throws(() => checkSpekeCertificate(rsa3072.cert), /2048-bit RSA \(got 3072 bits\)/);
    assert.throws(() => checkSpekeCertificate(ec.cert), /must be RSA \(got ec\)/);
    assert.throws(() => checkSpekeCertificate(rsa2048.cert, other2048.key), /does not match/);
    assert.throws(() => checkSpekeCertificate("not a pem"), /not a PEM X.509/);
    assert.throws(() => checkSpekeCertificate(rsa2048.cert, undefined, Date.now() + 400 * 86_400_000), /expired/);
  });

  it("imports into ACM with the key secret, and deploys a scheduled, least-privilege watchdog with an alarm", async () => {
    const sc = new SpekeCertificate("sc", {
      certificateBody: rsa2048.cert,
      privateKey: pulumi.secret(rsa2048.key),
      alarmDaysBeforeExpiry: 45,
    });
    await settle(sc);
    const acm = ofType(rec, "aws:acm/certificate:Certificate");
    assert.equal(acm.length, 1);
    assert.ok(isSecretValue(acm[0]!.inputs.privateKey), "private key is secret in state");
    assert.equal(reveal(acm[0]!.inputs.privateKey), rsa2048.key);
    assert.equal(reveal(acm[0]!.inputs.certificateBody), rsa2048.cert);

    assert.equal(ofType(rec, "aws:lambda/function:Function").length, 1);
    const rule = ofType(rec, "aws:cloudwatch/eventRule:EventRule");
    assert.equal(rule.length, 1);
    assert.equal(rule[0]!.inputs.scheduleExpression, "rate(1 day)");
    assert.equal(ofType(rec, "aws:cloudwatch/eventTarget:EventTarget").length, 1);
    assert.equal(ofType(rec, "aws:lambda/invocation:Invocation").length, 1, "the watchdog runs once at deploy");
    const perm = ofType(rec, "aws:lambda/permission:Permission")[0]!;
    assert.equal(perm.inputs.principal, "events.amazonaws.com");
    assert.equal(perm.inputs.sourceArn, "arn:aws:events:eu-west-1:123456789012:rule/sc-watchdog-schedule");

    const certArn = await value(sc.certificateArn);
    const doc = policyOf(ofType(rec, "aws:iam/rolePolicy:RolePolicy")[0]!.inputs.policy);
    assertLeastPrivilege(doc, "watchdog");
    const describe = doc.Statement.find((s) => s.Action === "acm:DescribeCertificate")!;
    assert.equal(describe.Resource, certArn, "DescribeCertificate on this certificate only");
    const put = doc.Statement.find((s) => s.Action === "cloudwatch:PutMetricData")!;
    assert.deepEqual(put.Condition, { StringEquals: { "cloudwatch:namespace": "Keyplane/Certificates" } });

    const fn = ofType(rec, "aws:lambda/function:Function")[0]!;
    const env = (reveal(fn.inputs.environment) as { variables: Record<string, string> }).variables;
    // Read back as the watchdog's entry reads it (the core's section parser, from exactly this environment).
    assert.deepEqual(
      loadConfigSections({ certificateWatchdog: certificateWatchdogConfigSchema }, { env }).certificateWatchdog,
      { certificateArns: [certArn], namespace: "Keyplane/Certificates" },
    );
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);

    const alarm = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm")[0]!;
    assert.equal(alarm.inputs.metricName, "DaysToExpiry");
    assert.equal(alarm.inputs.namespace, "Keyplane/Certificates");
    assert.equal(alarm.inputs.threshold, 45);
    assert.equal(alarm.inputs.comparisonOperator, "LessThanThreshold");
    assert.equal(alarm.inputs.treatMissingData, "breaching");
    assert.deepEqual(alarm.inputs.dimensions, { CertificateArn: certArn });

    assert.equal(await value(sc.notAfter), checkSpekeCertificate(rsa2048.cert).notAfter.toISOString());
    assert.ok(
      sc.bundleSizeBytes > 0 && sc.bundleSizeBytes < 1.5 * 1024 * 1024,
      `watchdog bundle ${sc.bundleSizeBytes} bytes (budget 1.5 MiB)`,
    );
  });

  it("refuses invalid arguments with clear errors", () => {
    const key = pulumi.secret(rsa2048.key);
    assert.throws(
      () => new SpekeCertificate("b1", { certificateBody: rsa3072.cert, privateKey: pulumi.secret(rsa3072.key) }),
      /2048-bit RSA/,
    );
    assert.throws(
      () => new SpekeCertificate("b2", { certificateBody: rsa2048.cert, privateKey: rsa2048.key }),
      /privateKey must be a Pulumi secret/,
    );
    assert.throws(
      () => new SpekeCertificate("b3", { certificateBody: rsa2048.cert, privateKey: key, alarmDaysBeforeExpiry: 0 }),
      /alarmDaysBeforeExpiry/,
    );
    assert.throws(
      () => new SpekeCertificate("b4", { certificateBody: rsa2048.cert, privateKey: key, schedule: "every day" }),
      /EventBridge/,
    );
    assert.throws(
      () => new SpekeCertificate("b5", { certificateBody: rsa2048.cert, privateKey: key, metricNamespace: "AWS/ACM" }),
      /AWS\//,
    );
    assert.throws(
      () => new SpekeCertificate("b6", { certificateBody: ec.cert, privateKey: pulumi.secret(ec.key) }),
      /must be RSA/,
    );
  });
});
