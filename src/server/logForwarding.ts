/**
 * The server's log, also as MCP log messages (notifications/message) to the
 * client of every connected session, so a person using an MCP client sees the
 * retries, reconciliations and audit failures that otherwise only reach
 * stderr. Entries come already redacted from the logger.
 *
 * Level: what the client asked with logging/setLevel; until it asks,
 * "warning" and above (MCP leaves the default to the server, and warnings
 * and errors are what a person may have to act on).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type LoggingLevel, LoggingLevelSchema } from "@modelcontextprotocol/sdk/types.js";
import type { LogEntry, Logger, LogLevel } from "../common/log.js";
import { whenClosed } from "./lifecycle.js";
import { wrapRequestHandler } from "./sdkInternals.js";
import { SERVER_NAME } from "./serverIdentity.js";

export const DEFAULT_CLIENT_LOG_LEVEL: LoggingLevel = "warning";
const MCP_LEVEL: Record<LogLevel, LoggingLevel> = { debug: "debug", info: "info", warn: "warning", error: "error" };
/** debug < info < notice < warning < error < critical < alert < emergency, as MCP orders them. */
const severity = (level: LoggingLevel) => LoggingLevelSchema.options.indexOf(level);

/**
 * Entries logged before the server was connected (the stdio entry holds them
 * while the SDK loads), sent now by the same rule: the default level, so only
 * warnings and errors; the client has initialised (it was answered early).
 */
export function forwardHeldLogs(server: McpServer, entries: readonly LogEntry[], loggerName = SERVER_NAME): void {
  for (const entry of entries) {
    const level = MCP_LEVEL[entry.level];
    if (severity(level) < severity(DEFAULT_CLIENT_LOG_LEVEL)) continue;
    server.sendLoggingMessage({ level, logger: loggerName, data: entry.message }).catch(() => {});
  }
}

/** Subscribe one server to the log for as long as its connection lasts. */
export function forwardLogsToClient(server: McpServer, log: Logger, loggerName: string): void {
  let minimum = DEFAULT_CLIENT_LOG_LEVEL;
  // The SDK answers logging/setLevel itself; we only note the level (checked here, not by the SDK's own filter).
  wrapRequestHandler(server, "logging/setLevel", (original) => async (request, extra) => {
    const result = await original(request, extra);
    const level = LoggingLevelSchema.safeParse((request as { params?: { level?: unknown } }).params?.level);
    if (level.success) minimum = level.data;
    return result;
  });
  let wasConnected = false;
  const unsubscribe = log.subscribe((entry) => {
    if (!server.isConnected()) {
      // Closed without our close hook running (someone replaced it): let go now.
      if (wasConnected) unsubscribe();
      return;
    }
    wasConnected = true;
    // Nothing before the client has initialised, and nothing below its level.
    if (server.server.getClientCapabilities() === undefined) return;
    const level = MCP_LEVEL[entry.level];
    if (severity(level) < severity(minimum)) return;
    // A failed send is not logged: that would log again, and again.
    server.sendLoggingMessage({ level, logger: loggerName, data: entry.message }).catch(() => {});
  });
  whenClosed(server, unsubscribe);
}
