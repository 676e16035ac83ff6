import assert from "node:assert/strict";
import { spekeAwsIam } from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";

describe("policy-pack/rules/speke: keyplane-speke-aws-iam", () => {
  it("passes an AWS_IAM SPEKE method and fails a NONE one", () => {
    assert.deepEqual(
      run(
        spekeAwsIam,
        res(
          "aws:apigateway/method:Method",
          { httpMethod: "POST", authorization: "AWS_IAM", restApi: "a", resourceId: "b" },
          "ks-speke-post",
        ),
      ),
      [],
    );
    const v = run(
      spekeAwsIam,
      res(
        "aws:apigateway/method:Method",
        { httpMethod: "POST", authorization: "NONE", restApi: "a", resourceId: "b" },
        "ks-speke-post",
      ),
    );
    assertFindings(v, [
      ["keyplane-speke-aws-iam", "SPEKE method POST uses authorization NONE; it must be AWS_IAM", "authorization"],
    ]);
  });
  it("ignores CORS preflight and non-SPEKE methods", () => {
    assert.deepEqual(
      run(
        spekeAwsIam,
        res("aws:apigateway/method:Method", { httpMethod: "OPTIONS", authorization: "NONE" }, "ks-speke-options"),
      ),
      [],
    );
    assert.deepEqual(
      run(
        spekeAwsIam,
        res("aws:apigateway/method:Method", { httpMethod: "POST", authorization: "NONE" }, "delivery-clearkey"),
      ),
      [],
    );
  });
  it("checks HTTP API routes", () => {
    assert.deepEqual(
      run(
        spekeAwsIam,
        res("aws:apigatewayv2/route:Route", { apiId: "a", routeKey: "POST /speke", authorizationType: "AWS_IAM" }),
      ),
      [],
    );
    assertFindings(
      run(spekeAwsIam, res("aws:apigatewayv2/route:Route", { apiId: "a", routeKey: "POST /copyProtection" })),
      [
        [
          "keyplane-speke-aws-iam",
          'SPEKE route "POST /copyProtection" uses authorization NONE; it must be AWS_IAM',
          "authorizationType",
        ],
      ],
    );
  });
  it("checks OpenAPI bodies for an awsSigv4 scheme (API Gateway OpenAPI extension x-amazon-apigateway-authtype)", () => {
    const body = (security: unknown) =>
      JSON.stringify({
        openapi: "3.0.1",
        components: {
          securitySchemes: {
            sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
          },
        },
        paths: {
          "/speke": {
            post: { ...(security ? { security } : {}), "x-amazon-apigateway-integration": { type: "aws_proxy" } },
          },
        },
      });
    assert.deepEqual(run(spekeAwsIam, res("aws:apigateway/restApi:RestApi", { body: body([{ sigv4: [] }]) })), []);
    const v = run(spekeAwsIam, res("aws:apigateway/restApi:RestApi", { body: body(undefined) }));
    assertFindings(v, [
      [
        "keyplane-speke-aws-iam",
        "POST /speke in the API definition is not secured by an awsSigv4 (AWS_IAM) scheme",
        'body.paths["/speke"].post',
      ],
    ]);
  });
  it("requires MediaPackage key providers to name their role", () => {
    const ep = (roleArn: unknown) =>
      res("aws-native:mediapackage:OriginEndpoint", {
        channelId: "c",
        hlsPackage: {
          encryption: {
            keyRotationIntervalSeconds: 0,
            spekeKeyProvider: {
              url: "https://x/speke",
              resourceId: "r",
              systemIds: ["94ce86fb-07ff-4f43-adb8-93d2fa968ca2"],
              roleArn,
            },
          },
        },
      });
    assert.deepEqual(run(spekeAwsIam, ep("arn:aws:iam::123456789012:role/speke")), []);
    assertFindings(run(spekeAwsIam, ep("")), [
      [
        "keyplane-speke-aws-iam",
        "MediaPackage SPEKE key provider has no IAM role ARN to sign its SPEKE calls with",
        "hlsPackage.encryption.spekeKeyProvider.roleArn",
      ],
    ]);
  });
});
