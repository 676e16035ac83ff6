import assert from "node:assert/strict";
import { keySeedInSecretStore, noPlaintextSecretsInFunctionEnv, noVendorCredentialsInApi } from "../../../policy-pack/rules";
import { res } from "./fixtures";
import { run } from "./helpers";

/** Microsoft's published PlayReady test key seed (DOMAIN.md), used here only as "a seed-looking value". */
const MS_TEST_SEED = "XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I";

describe("policy-pack/rules/secrets", () => {
  describe("keyplane-no-vendor-credentials-in-api", () => {
    it("fails a literal vendor API key in integration request parameters (API Gateway static value syntax 'value')", () => {
      const v = run(noVendorCredentialsInApi, res("aws:apigateway/integration:Integration", { type: "HTTP_PROXY", requestParameters: { "integration.request.header.X-Api-Key": "'ezdrm-0123456789abcdef'" } }));
      assert.equal(v.length, 1);
      assert.match(v[0]?.path ?? "", /X-Api-Key/);
    });
    it("fails EZDRM account credentials mapped as literal `u` / `p` query parameters (EZDRM CPIX URL parameters per Unified Streaming / Qencode docs), passes mapped-through ones", () => {
      const v = run(noVendorCredentialsInApi, res("aws:apigateway/integration:Integration", { requestParameters: { "integration.request.querystring.u": "'me@example.com'", "integration.request.querystring.p": "'s3cret'", "integration.request.querystring.c": "'resource-1'" } }));
      assert.deepEqual(v.map((x) => x.path).sort(), ['requestParameters["integration.request.querystring.p"]', 'requestParameters["integration.request.querystring.u"]']);
      assert.deepEqual(run(noVendorCredentialsInApi, res("aws:apigateway/integration:Integration", { requestParameters: { "integration.request.querystring.u": "method.request.querystring.u" } })), []);
    });

    it("fails the EZDRM key header (vendor docs: X-EZDRM-Key style header) injected as a literal, and a REST API tagged as carrying the credential", () => {
      assert.equal(run(noVendorCredentialsInApi, res("aws:apigateway/integration:Integration", { requestParameters: { "integration.request.header.X-EZDRM-Key": "'0f1e2d3c'" } })).length, 1);
      const v = run(noVendorCredentialsInApi, res("aws:apigateway/restApi:RestApi", { name: "proxy", tags: { "keyplane:credential-in-api-definition": "true" } }));
      assert.equal(v.length, 1);
      assert.deepEqual(run(noVendorCredentialsInApi, res("aws:apigateway/restApi:RestApi", { name: "proxy", tags: { team: "video" } })), []);
    });
    it("passes request parameters mapped from the method request", () => {
      assert.deepEqual(run(noVendorCredentialsInApi, res("aws:apigateway/integration:Integration", { requestParameters: { "integration.request.header.Authorization": "method.request.header.Authorization" } })), []);
    });
    it("fails a literal credential in an OpenAPI body and in an HTTP API integration, passes a $request mapping", () => {
      const body = JSON.stringify({ paths: { "/license": { post: { "x-amazon-apigateway-integration": { requestParameters: { "integration.request.header.x-dt-auth-token": "'dt-secret-token-value'" } } } } } });
      assert.equal(run(noVendorCredentialsInApi, res("aws:apigateway/restApi:RestApi", { body })).length, 1);
      assert.equal(run(noVendorCredentialsInApi, res("aws:apigatewayv2/integration:Integration", { requestParameters: { "append:header.X-AxDRM-Message": "eyJhbGciOi.literal" } })).length, 1);
      assert.deepEqual(run(noVendorCredentialsInApi, res("aws:apigatewayv2/integration:Integration", { requestParameters: { "overwrite:header.Authorization": "$request.header.Authorization" } })), []);
    });
  });

  describe("keyplane-no-plaintext-secrets-in-function-env", () => {
    it("passes ARNs and non-secret settings, fails clear-text credentials", () => {
      const ok = res("aws:lambda/function:Function", { environment: { variables: { VENDOR_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:v", TOKEN_ISSUER: "https://sts", LOG_LEVEL: "info" } } });
      assert.deepEqual(run(noPlaintextSecretsInFunctionEnv, ok), []);
      const bad = res("aws:lambda/function:Function", { environment: { variables: { VENDOR_API_KEY: "abcd1234", FAIRPLAY_ASK: "00112233445566778899aabbccddeeff" } } });
      assert.deepEqual(run(noPlaintextSecretsInFunctionEnv, bad).map((v) => v.path).sort(), ["environment.variables.FAIRPLAY_ASK", "environment.variables.VENDOR_API_KEY"]);
    });
  });

  describe("keyplane-key-seed-in-secret-store", () => {
    it("passes a seed in a Secrets Manager secret version and a function that references the secret ARN", () => {
      assert.deepEqual(run(keySeedInSecretStore, res("aws:secretsmanager/secretVersion:SecretVersion", { secretId: "s", secretString: MS_TEST_SEED })), []);
      assert.deepEqual(run(keySeedInSecretStore, res("aws:lambda/function:Function", { environment: { variables: { KEY_SEED_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:seed" } } })), []);
    });
    it("fails a seed in a function environment and in an SSM parameter", () => {
      const v = run(keySeedInSecretStore, res("aws:lambda/function:Function", { environment: { variables: { KEYPLANE_KEY_SEED: MS_TEST_SEED } } }));
      assert.equal(v.length, 1);
      assert.equal(v[0]?.path, "environment.variables.KEYPLANE_KEY_SEED");
      assert.equal(run(keySeedInSecretStore, res("aws:ssm/parameter:Parameter", { name: "/keyplane/key-seed", type: "String", value: MS_TEST_SEED })).length, 1);
    });
  });
});
