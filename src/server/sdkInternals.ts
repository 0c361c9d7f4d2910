/**
 * Every use of the SDK's internals, in one place. Each function checks that
 * the internal it relies on is still there and throws at start if not;
 * test/sdk-internals.test.ts fails loudly when an SDK update changes them.
 * The bundle's own use of SDK internals (two libraries left out of its
 * start-up code) is scripts/sdk-trim.mjs, checked by the same test.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

type Handler = (request: unknown, extra: unknown) => Promise<unknown>;

/** The low-level request handler table of a server. */
function requestHandlers(server: McpServer): Map<string, Handler> {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error("@modelcontextprotocol/sdk changed how request handlers are kept; update src/server/sdkInternals.ts");
  }
  return handlers;
}

/**
 * Wrap one registered request handler (e.g. "tools/call"). Throws when the
 * method has no handler yet: register the SDK's own first.
 */
export function wrapRequestHandler(server: McpServer, method: string, wrap: (original: Handler) => Handler): void {
  const handlers = requestHandlers(server);
  const original = handlers.get(method);
  if (!original) throw new Error(`@modelcontextprotocol/sdk has no handler for ${method}; update src/server/sdkInternals.ts`);
  handlers.set(method, wrap(original));
}

/**
 * A completion request for a prompt or resource template this server does
 * not have gets "no suggestions" rather than an error: completion is a typing
 * aid, and the MCP conformance suite asks exactly this (for its reference
 * server's prompt) and expects an empty list. Other errors pass through.
 */
export function lenientCompletions(server: McpServer): void {
  wrapRequestHandler(server, "completion/complete", (original) => async (request, extra) => {
    try {
      return await original(request, extra);
    } catch (err) {
      if (err instanceof McpError && err.code === ErrorCode.InvalidParams && / not found$/.test(err.message)) {
        return { completion: { values: [], total: 0, hasMore: false } };
      }
      throw err;
    }
  });
}
