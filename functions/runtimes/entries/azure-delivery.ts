/**
 * Azure Functions entry for key delivery: token service, ClearKey licenses, HLS AES-128 keys and the license proxy
 * (bundled with esbuild into the Flex Consumption package by components/azure/key-delivery-app.ts). One catch-all HTTP
 * trigger; the app is built on the first request, after the secret environment is read from Key Vault.
 */
import { buildAzureDeliveryApp } from "../../azure/apps";
import { azureFunctionsContext, azureFunctionsHandler, registerAzureHttp } from "../azure-functions";

const ctx = azureFunctionsContext();
registerAzureHttp(
  "keyplane-delivery",
  azureFunctionsHandler(() => buildAzureDeliveryApp({ ctx }), ctx.logger),
);
