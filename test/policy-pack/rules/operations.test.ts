import assert from "node:assert/strict";
import { corsNoWildcard, logRetention } from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";

describe("policy-pack/rules/operations", () => {
  describe("keyplane-log-retention", () => {
    it("passes 90 days", () =>
      assert.deepEqual(run(logRetention, res("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 90 })), []));
    it("fails unset retention (kept forever) and a value above the maximum", () => {
      assertFindings(run(logRetention, res("aws:cloudwatch/logGroup:LogGroup", {})), [
        ["keyplane-log-retention", "log group has no retention set (logs are kept forever)", "retentionInDays"],
      ]);
      assertFindings(
        run(logRetention, res("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 400 }), {
          maxLogRetentionDays: 365,
        }),
        [["keyplane-log-retention", "log retention 400 days is outside 7..365", "retentionInDays"]],
      );
    });
  });
  describe("keyplane-cors-no-wildcard", () => {
    it("passes named origins", () => {
      assert.deepEqual(
        run(
          corsNoWildcard,
          res("aws:apigatewayv2/api:Api", {
            protocolType: "HTTP",
            corsConfiguration: { allowOrigins: ["https://player.example.com"] },
          }),
        ),
        [],
      );
    });
    it("fails * in HTTP API CORS, function URLs, response parameters and function settings", () => {
      assertFindings(
        run(corsNoWildcard, res("aws:apigatewayv2/api:Api", { corsConfiguration: { allowOrigins: ["*"] } })),
        [
          [
            "keyplane-cors-no-wildcard",
            "corsConfiguration.allowOrigins allows any origin (*); list the player origins instead",
            "corsConfiguration.allowOrigins",
          ],
        ],
      );
      assertFindings(
        run(corsNoWildcard, res("aws:lambda/functionUrl:FunctionUrl", { cors: { allowOrigins: ["*"] } })),
        [
          [
            "keyplane-cors-no-wildcard",
            "cors.allowOrigins allows any origin (*); list the player origins instead",
            "cors.allowOrigins",
          ],
        ],
      );
      assertFindings(
        run(
          corsNoWildcard,
          res("aws:apigateway/integrationResponse:IntegrationResponse", {
            responseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" },
          }),
        ),
        [
          [
            "keyplane-cors-no-wildcard",
            "responseParameters.method.response.header.Access-Control-Allow-Origin allows any origin (*); list the player origins instead",
            "responseParameters.method.response.header.Access-Control-Allow-Origin",
          ],
        ],
      );
      assertFindings(
        run(
          corsNoWildcard,
          res("aws:lambda/function:Function", {
            environment: { variables: { KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS: "https://a.example.com,*" } },
          }),
        ),
        [
          [
            "keyplane-cors-no-wildcard",
            "environment.variables.KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS allows any origin (*); list the player origins instead",
            "environment.variables.KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS",
          ],
        ],
      );
      // The one configuration document (docs/configuration.md: delivery.cors.allowOrigins, license.cors.allowOrigins).
      const config = (cors: unknown) =>
        res("aws:lambda/function:Function", {
          environment: { variables: { KEYPLANE_CONFIG: JSON.stringify(cors) } },
        });
      assertFindings(
        run(
          corsNoWildcard,
          config({ delivery: { cors: { allowOrigins: ["*"] } }, license: { cors: { allowOrigins: ["*"] } } }),
        ),
        [
          [
            "keyplane-cors-no-wildcard",
            "environment.variables.KEYPLANE_CONFIG.delivery.cors.allowOrigins allows any origin (*); list the player origins instead",
            "environment.variables.KEYPLANE_CONFIG.delivery.cors.allowOrigins",
          ],
          [
            "keyplane-cors-no-wildcard",
            "environment.variables.KEYPLANE_CONFIG.license.cors.allowOrigins allows any origin (*); list the player origins instead",
            "environment.variables.KEYPLANE_CONFIG.license.cors.allowOrigins",
          ],
        ],
      );
      assertFindings(
        run(corsNoWildcard, config({ delivery: { cors: { allowOrigins: ["https://player.example.com"] } } })),
        [],
      );
    });
  });
});
