/**
 * The server factory: one McpServer with the tools this configuration allows
 * (read-only mode offers no write tool at all; see toolAvailability.ts). Transports live apart
 * (src/entry/stdio.ts for stdio, src/entry/http.ts for Streamable HTTP).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Services } from "../domain/runtime.js";
import { forwardLogsToClient } from "./logForwarding.js";
import { registerPrompts } from "./prompts.js";
import { registerResources } from "./resources.js";
import { lazySchemaValidator } from "./schemaValidator.js";
import { lenientCompletions } from "./sdkInternals.js";
import { SERVER_CAPABILITIES, SERVER_INFO, SERVER_NAME, serverInstructions } from "./serverIdentity.js";
import { serveTools } from "./toolServing.js";

export function createServer(services: Services): McpServer {
  const server = new McpServer(
    { ...SERVER_INFO },
    {
      capabilities: structuredClone(SERVER_CAPABILITIES),
      instructions: serverInstructions(services),
      jsonSchemaValidator: lazySchemaValidator,
    },
  );
  // Withheld tools are not listed, but a call to one still gets its reason and fix.
  serveTools(server, services);
  forwardLogsToClient(server, services.log, SERVER_NAME);
  registerResources(server, services);
  registerPrompts(server, services);
  lenientCompletions(server);
  return server;
}
