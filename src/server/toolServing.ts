/**
 * tools/list and tools/call, served with the SDK's public request handlers
 * rather than McpServer.registerTool: the listing comes ready from the build
 * (toolCatalogue.ts), so nothing is converted to JSON Schema at start and a
 * tool's module is loaded only when a call needs it; every call runs through
 * our own wrapper (runTool.ts) with its own argument check and error shape.
 *
 * Per caller, on top (toolAccess.ts): an OAuth token sees in tools/list only
 * the tools its scopes grant, a call beyond them is PERMISSION_DENIED (over
 * HTTP the entry answers 403 first), and a write over the caller's rate limit
 * is RATE_LIMITED (over HTTP the entry answers 429 first). A withheld tool
 * (toolAvailability.ts) answers with its reason and fix, an unknown name
 * with the names there are. Nothing is sent to VICIdial for any of these.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { ToolError } from "../common/errors.js";
import type { Services } from "../domain/runtime.js";
import { actorOf, admittedOf, scopesOf } from "./actor.js";
import { toolOf, toolPlanOf, toolsListResult } from "./handshake.js";
import { errorResult, runTool } from "./runTool.js";
import { admitCall, grants, insufficientScope, scopeNeeded } from "./toolAccess.js";
import { unknownTool } from "./toolAvailability.js";
import { preloadTools, toolDefinition } from "./toolCatalogue.js";

export function serveTools(server: McpServer, services: Services): void {
  const planOf = () => toolPlanOf(services);
  const answer = (error: ToolError) => services.redactor.value(errorResult(error.toPayload(), { sandbox: services.sandbox }));

  server.server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    // A client lists the tools first and calls one later: load them meanwhile, after this answer is sent.
    preloadTools();
    const scopes = scopesOf(extra);
    if (scopes === null) return toolsListResult(services);
    const { available } = await planOf();
    return { tools: available.filter((t) => grants(scopes, scopeNeeded(t))).map(toolOf) };
  });

  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const plan = await planOf();
    const { name, arguments: args } = request.params;
    const offered = plan.available.find((t) => t.name === name);
    if (!offered) {
      const names = plan.available.map((t) => t.name);
      const reason = plan.unavailable.get(name);
      if (!reason) return answer(unknownTool(name, names));
      return answer(new ToolError({ ...reason, fix: `${reason.fix} Meanwhile these tools work: ${names.join(", ")}.` }));
    }
    const scopes = scopesOf(extra);
    if (scopes !== null && !grants(scopes, scopeNeeded(offered))) return answer(insufficientScope(offered, scopes));
    if (!admittedOf(extra)) {
      const admission = await admitCall({ services, tool: offered, args, actor: actorOf(extra) });
      if (!admission.admitted) return answer(admission.error);
    }
    const def = await toolDefinition(name);
    if (!def) throw new Error(`tool ${name} is listed but has no definition in this build`);
    return runTool({ server, services, def, args, extra });
  });
}
