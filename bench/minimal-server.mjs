#!/usr/bin/env node
/**
 * The yardstick for cold start: the smallest useful MCP server on the same
 * SDK (one tool with a zod schema, stdio), run as plain modules.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "minimal", version: "1.0.0" });
server.registerTool(
  "echo",
  {
    title: "Echo",
    description: "Returns its text",
    inputSchema: { text: z.string().describe("Text to return") },
    outputSchema: { text: z.string().describe("The same text") },
  },
  async ({ text }) => ({ content: [{ type: "text", text }], structuredContent: { text } }),
);
await server.connect(new StdioServerTransport());
