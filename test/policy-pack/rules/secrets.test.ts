import assert from "node:assert/strict";
import {
  keySeedInSecretStore,
  noPlaintextSecretsInFunctionEnv,
  noVendorCredentialsInApi,
} from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

/** Microsoft's published PlayReady test key seed (DOMAIN.md), used here only as "a seed-looking value". */
const MS_TEST_SEED = MICROSOFT_TEST_SEED_B64;

describe("policy-pack/rules/secrets", () => {
  describe("keyplane-no-vendor-credentials-in-api", () => {
    it("fails a literal vendor API key in integration request parameters (API Gateway static value syntax 'value')", () => {
      const v = run(
        noVendorCredentialsInApi,
        res("aws:apigateway/integration:Integration", {
          type: "HTTP_PROXY",
          requestParameters: { "integration.request.header.X-Api-Key": "'ezdrm-0123456789abcdef'" },
        }),
      );
      assertFindings(v, [
        [
          "keyplane-no-vendor-credentials-in-api",
          "the API definition injects a literal credential into integration.request.header.X-Api-Key; load it from Secrets Manager in the proxy function instead",
          'requestParameters["integration.request.header.X-Api-Key"]',
        ],
      ]);
    });
    it("fails EZDRM account credentials mapped as literal `u` / `p` query parameters (EZDRM CPIX URL parameters per Unified Streaming / Qencode docs), passes mapped-through ones", () => {
      const v = run(
        noVendorCredentialsInApi,
        res("aws:apigateway/integration:Integration", {
          requestParameters: {
            "integration.request.querystring.u": "'me@example.com'",
            "integration.request.querystring.p": "'s3cret'",
            "integration.request.querystring.c": "'resource-1'",
          },
        }),
      );
      assertFindings(v, [
        [
          "keyplane-no-vendor-credentials-in-api",
          "the API definition injects a literal credential into integration.request.querystring.u; load it from Secrets Manager in the proxy function instead",
          'requestParameters["integration.request.querystring.u"]',
        ],
        [
          "keyplane-no-vendor-credentials-in-api",
          "the API definition injects a literal credential into integration.request.querystring.p; load it from Secrets Manager in the proxy function instead",
          'requestParameters["integration.request.querystring.p"]',
        ],
      ]);
      assert.deepEqual(
        run(
          noVendorCredentialsInApi,
          res("aws:apigateway/integration:Integration", {
            requestParameters: { "integration.request.querystring.u": "method.request.querystring.u" },
          }),
        ),
        [],
      );
    });

    it("fails the EZDRM key header (vendor docs: X-EZDRM-Key style header) injected as a literal, and a REST API tagged as carrying the credential", () => {
      assertFindings(
        run(
          noVendorCredentialsInApi,
          res("aws:apigateway/integration:Integration", {
            requestParameters: { "integration.request.header.X-EZDRM-Key": "'0f1e2d3c'" },
          }),
        ),
        [
          [
            "keyplane-no-vendor-credentials-in-api",
            "the API definition injects a literal credential into integration.request.header.X-EZDRM-Key; load it from Secrets Manager in the proxy function instead",
            'requestParameters["integration.request.header.X-EZDRM-Key"]',
          ],
        ],
      );
      const v = run(
        noVendorCredentialsInApi,
        res("aws:apigateway/restApi:RestApi", {
          name: "proxy",
          tags: { "keyplane:credential-in-api-definition": "true" },
        }),
      );
      assertFindings(v, [
        [
          "keyplane-no-vendor-credentials-in-api",
          "this API's integration injects the vendor credential (SpekeVendorProxy integration mode); use function mode so the credential stays in Secrets Manager",
          'tags["keyplane:credential-in-api-definition"]',
        ],
      ]);
      assert.deepEqual(
        run(
          noVendorCredentialsInApi,
          res("aws:apigateway/restApi:RestApi", { name: "proxy", tags: { team: "video" } }),
        ),
        [],
      );
    });
    it("passes request parameters mapped from the method request", () => {
      assert.deepEqual(
        run(
          noVendorCredentialsInApi,
          res("aws:apigateway/integration:Integration", {
            requestParameters: { "integration.request.header.Authorization": "method.request.header.Authorization" },
          }),
        ),
        [],
      );
    });
    it("fails a literal credential in an OpenAPI body and in an HTTP API integration, passes a $request mapping", () => {
      const body = JSON.stringify({
        paths: {
          "/license": {
            post: {
              "x-amazon-apigateway-integration": {
                requestParameters: { "integration.request.header.x-dt-auth-token": "'dt-secret-token-value'" },
              },
            },
          },
        },
      });
      assertFindings(run(noVendorCredentialsInApi, res("aws:apigateway/restApi:RestApi", { body })), [
        [
          "keyplane-no-vendor-credentials-in-api",
          "the API definition injects a literal credential into integration.request.header.x-dt-auth-token; load it from Secrets Manager in the proxy function instead",
          'body.paths./license.post.x-amazon-apigateway-integration.requestParameters["integration.request.header.x-dt-auth-token"]',
        ],
      ]);
      assertFindings(
        run(
          noVendorCredentialsInApi,
          res("aws:apigatewayv2/integration:Integration", {
            requestParameters: { "append:header.X-AxDRM-Message": "eyJhbGciOi.literal" },
          }),
        ),
        [
          [
            "keyplane-no-vendor-credentials-in-api",
            "the API definition injects a literal credential into append:header.X-AxDRM-Message; load it from Secrets Manager in the proxy function instead",
            'requestParameters["append:header.X-AxDRM-Message"]',
          ],
        ],
      );
      assert.deepEqual(
        run(
          noVendorCredentialsInApi,
          res("aws:apigatewayv2/integration:Integration", {
            requestParameters: { "overwrite:header.Authorization": "$request.header.Authorization" },
          }),
        ),
        [],
      );
    });
  });

  describe("keyplane-no-plaintext-secrets-in-function-env", () => {
    it("passes ARNs and non-secret settings, fails clear-text credentials", () => {
      const ok = res("aws:lambda/function:Function", {
        environment: {
          variables: {
            VENDOR_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:v",
            TOKEN_ISSUER: "https://sts",
            LOG_LEVEL: "info",
          },
        },
      });
      assert.deepEqual(run(noPlaintextSecretsInFunctionEnv, ok), []);
      const bad = res("aws:lambda/function:Function", {
        environment: { variables: { VENDOR_API_KEY: "abcd1234", FAIRPLAY_ASK: "00112233445566778899aabbccddeeff" } },
      });
      assertFindings(run(noPlaintextSecretsInFunctionEnv, bad), [
        [
          "keyplane-no-plaintext-secrets-in-function-env",
          "environment variable VENDOR_API_KEY holds a secret in clear text; reference a Secrets Manager secret ARN instead",
          "environment.variables.VENDOR_API_KEY",
        ],
        [
          "keyplane-no-plaintext-secrets-in-function-env",
          "environment variable FAIRPLAY_ASK holds a secret in clear text; reference a Secrets Manager secret ARN instead",
          "environment.variables.FAIRPLAY_ASK",
        ],
      ]);
    });
  });

  describe("keyplane-key-seed-in-secret-store", () => {
    it("passes a seed in a Secrets Manager secret version and a function that references the secret ARN", () => {
      assert.deepEqual(
        run(
          keySeedInSecretStore,
          res("aws:secretsmanager/secretVersion:SecretVersion", { secretId: "s", secretString: MS_TEST_SEED }),
        ),
        [],
      );
      assert.deepEqual(
        run(
          keySeedInSecretStore,
          res("aws:lambda/function:Function", {
            environment: { variables: { KEY_SEED_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:seed" } },
          }),
        ),
        [],
      );
    });
    it("fails a seed in a function environment and in an SSM parameter", () => {
      const v = run(
        keySeedInSecretStore,
        res("aws:lambda/function:Function", { environment: { variables: { KEYPLANE_KEY_SEED: MS_TEST_SEED } } }),
      );
      assertFindings(v, [
        [
          "keyplane-key-seed-in-secret-store",
          "environment.variables.KEYPLANE_KEY_SEED carries a key seed value; store it in Secrets Manager and pass only the secret ARN",
          "environment.variables.KEYPLANE_KEY_SEED",
        ],
      ]);
      assertFindings(
        run(
          keySeedInSecretStore,
          res("aws:ssm/parameter:Parameter", { name: "/keyplane/key-seed", type: "String", value: MS_TEST_SEED }),
        ),
        [
          [
            "keyplane-key-seed-in-secret-store",
            "a key seed is stored in an SSM parameter; keep it in Secrets Manager",
            "value",
          ],
        ],
      );
    });
  });
});
