/**
 * Hooks on a server's connection. The SDK offers one `onclose` callback per
 * server; these chain onto it, so every part that needs to know (the stdio
 * shutdown, log forwarding, the HTTP session table) can, whoever registers
 * first.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** Run `fn` when the server's connection closes (the transport ended, or close() was called). */
export function whenClosed(server: McpServer, fn: () => void): void {
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    fn();
  };
}
