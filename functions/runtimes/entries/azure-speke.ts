/**
 * Azure Functions entry for the optional SPEKE key server (components/azure/key-delivery.ts `speke`): served only
 * behind App Service Authentication (Entra ID, authentication required), writing the content key registry.
 */
import { buildAzureSpekeApp } from "../../azure/apps";
import { azureFunctionsContext, azureFunctionsHandler, registerAzureHttp } from "../azure-functions";

const ctx = azureFunctionsContext();
registerAzureHttp(
  "keyplane-speke",
  azureFunctionsHandler(() => buildAzureSpekeApp({ ctx }), ctx.logger),
);
