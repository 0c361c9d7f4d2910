/**
 * Confirmation through MCP elicitation: the person is asked when the client
 * can ask; a decline or cancel is DECLINED and nothing changes.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ToolError } from "../shared/errors.js";

export async function confirmWithPerson(server: McpServer, message: string): Promise<"confirmed" | "not_asked"> {
  const caps = server.server.getClientCapabilities();
  if (!caps?.elicitation) return "not_asked";
  let answer: { action: string; content?: Record<string, unknown> };
  try {
    answer = await server.server.elicitInput({
      message,
      requestedSchema: {
        type: "object",
        properties: { confirm: { type: "boolean", title: "Go ahead", description: "Tick to make this change in VICIdial" } },
        required: ["confirm"],
      },
    });
  } catch (err) {
    throw declined(`the confirmation request failed (${(err as Error).message})`);
  }
  if (answer.action === "accept" && answer.content?.confirm === true) return "confirmed";
  throw declined(answer.action === "accept" ? "the box was not ticked" : `the person chose ${answer.action}`);
}
function declined(why: string): ToolError {
  return new ToolError({
    code: "DECLINED",
    message: `Not confirmed: ${why}. Nothing was changed.`,
    cause: "This change needs the person's confirmation and did not get it.",
    fix: "Ask the person whether they want the change; call again only if they do.",
  });
}
