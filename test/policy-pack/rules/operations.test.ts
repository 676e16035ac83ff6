import assert from "node:assert/strict";
import { corsNoWildcard, logRetention } from "../../../policy-pack/rules";
import { res } from "./fixtures";
import { run } from "./helpers";

describe("policy-pack/rules/operations", () => {
  describe("keyplane-log-retention", () => {
    it("passes 90 days", () => assert.deepEqual(run(logRetention, res("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 90 })), []));
    it("fails unset retention (kept forever) and a value above the maximum", () => {
      assert.equal(run(logRetention, res("aws:cloudwatch/logGroup:LogGroup", {})).length, 1);
      assert.equal(run(logRetention, res("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 400 }), { maxLogRetentionDays: 365 }).length, 1);
    });
  });
  describe("keyplane-cors-no-wildcard", () => {
    it("passes named origins", () => {
      assert.deepEqual(run(corsNoWildcard, res("aws:apigatewayv2/api:Api", { protocolType: "HTTP", corsConfiguration: { allowOrigins: ["https://player.example.com"] } })), []);
    });
    it("fails * in HTTP API CORS, function URLs, response parameters and function settings", () => {
      assert.equal(run(corsNoWildcard, res("aws:apigatewayv2/api:Api", { corsConfiguration: { allowOrigins: ["*"] } })).length, 1);
      assert.equal(run(corsNoWildcard, res("aws:lambda/functionUrl:FunctionUrl", { cors: { allowOrigins: ["*"] } })).length, 1);
      assert.equal(run(corsNoWildcard, res("aws:apigateway/integrationResponse:IntegrationResponse", { responseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" } })).length, 1);
      assert.equal(run(corsNoWildcard, res("aws:lambda/function:Function", { environment: { variables: { KEYPLANE_CORS_ORIGINS: "https://a.example.com,*" } } })).length, 1);
    });
  });
});
