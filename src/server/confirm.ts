/**
 * Confirmation through MCP elicitation: the person is asked when the client
 * can ask; a decline or cancel is DECLINED and nothing changes.
 *
 * The question is sent as part of the tool call being handled
 * (`relatedRequestId`): over Streamable HTTP it then travels on that call's
 * own response stream, which the client is reading, rather than on a
 * separate stream the client may never have opened.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { ToolError } from "../common/errors.js";
import { loadSchemaValidator } from "./schemaValidator.js";

export interface ConfirmationRequest {
  /** The server of this client's session: it holds the capabilities the client declared at initialize. */
  server: McpServer;
  /** The tool call being handled. */
  call: Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, "requestId" | "signal">;
  /** What will change, for the person. */
  message: string;
}

export async function confirmWithPerson({ server, call, message }: ConfirmationRequest): Promise<"confirmed" | "not_asked"> {
  const caps = server.server.getClientCapabilities();
  if (!caps?.elicitation) return "not_asked";
  let answer: { action: string; content?: Record<string, unknown> };
  // The SDK checks the answer against requestedSchema with this validator.
  await loadSchemaValidator();
  try {
    answer = await server.server.elicitInput(
      {
        message,
        requestedSchema: {
          type: "object",
          properties: { confirm: { type: "boolean", title: "Go ahead", description: "Tick to make this change in VICIdial" } },
          required: ["confirm"],
        },
      },
      // A cancelled tool call withdraws its question too.
      { relatedRequestId: call.requestId, signal: call.signal },
    );
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
