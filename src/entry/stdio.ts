/**
 * The stdio server. A desktop client starts it at every launch and waits for
 * two answers, initialize and tools/list, before it offers the tools: both
 * come from this build's own data (server/handshake.ts), and the SDK, zod
 * and the server behind them are loaded only once the second is sent (at
 * once, for any other message). The SDK's server is then connected to the
 * same transport and given the client's initialize, so it knows the client's
 * capabilities (elicitation, logging) as if it had answered it itself.
 */
import path from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { isJsonObject, type JsonObject } from "../common/json.js";
import type { LogEntry } from "../common/log.js";
import type { Services } from "../domain/runtime.js";
import { initializeResult, toolsListResult } from "../server/handshake.js";
import { preloadTools } from "../server/toolCatalogue.js";
import { type EarlyHandler, type EarlyTake, LimitedStdioTransport } from "./stdioTransport.js";

/** A client that initialized but lists no tools gets the server this long after (its next message may be a call). */
const IDLE_LOAD_MS = 200;
/** Log entries kept for the client while the server loads; more are on stderr only. */
const MAX_HELD = 50;

const isId = (v: unknown) => typeof v === "string" || Number.isInteger(v);

/** Exactly what the SDK's schema accepts as initialize's params, so an early answer is never one the SDK would have refused. */
function isInitializeParams(p: unknown): p is { protocolVersion: string } {
  return (
    isJsonObject(p) &&
    typeof p.protocolVersion === "string" &&
    isJsonObject(p.capabilities) &&
    Object.values(p.capabilities).every((c) => c === undefined || isJsonObject(c)) &&
    isJsonObject(p.clientInfo) &&
    typeof p.clientInfo.name === "string" &&
    typeof p.clientInfo.version === "string"
  );
}

const isListParams = (p: unknown) => p === undefined || (isJsonObject(p) && (p.cursor === undefined || typeof p.cursor === "string"));

/**
 * What to answer before the server is loaded: the first initialize (answered,
 * and given to the server later), its initialized notification (given later)
 * and the first tools/list after it (answered). Anything else waits for the
 * server, and asks for it.
 */
export function earlyHandshake(services: Services, needServer: () => void): EarlyHandler {
  let initialized = false;
  let listed = false;
  const take = (m: JsonObject): EarlyTake | undefined => {
    if (m.jsonrpc === "2.0" && isId(m.id)) {
      if (!initialized && m.method === "initialize" && isInitializeParams(m.params)) {
        initialized = true;
        setTimeout(needServer, IDLE_LOAD_MS).unref();
        return { answer: initializeResult(services, m.params.protocolVersion), forward: true };
      }
      if (initialized && !listed && m.method === "tools/list" && isListParams(m.params)) {
        listed = true;
        return { answer: toolsListResult(services), forward: false, answered: needServer };
      }
    }
    if (initialized && m.jsonrpc === "2.0" && m.method === "notifications/initialized" && !("id" in m)) return { forward: true };
    return undefined;
  };
  return { take, other: needServer };
}

export interface StdioOptions {
  services: Services;
  /** How long a stop waits for writes in flight (said in the stop's log line). */
  drainMs: number;
  /** What a person at a terminal is told (stdin is a TTY). */
  banner: () => Promise<string>;
  /** Stops the runtime: writes in flight finish and are recorded. */
  close: () => Promise<void>;
}

export async function runStdio(opts: StdioOptions): Promise<void> {
  const { services } = opts;
  if (process.stdin.isTTY) {
    const entry = path.resolve(process.argv[1] ?? "dist/index.js");
    process.stderr.write(
      `${await opts.banner()}\n` +
        "It speaks JSON-RPC on stdin/stdout and is meant to be started by an MCP client, not typed at.\n" +
        `Connect a client with: ${JSON.stringify({ command: process.execPath, args: [entry] })} (see README), or try: npx @modelcontextprotocol/inspector node ${entry}\n` +
        "Press Ctrl-C to stop.\n",
    );
  }
  let needServer: () => void = () => {};
  const serverNeeded = new Promise<void>((resolve) => {
    // Once the answer that asked for it is out (stdout writes to a pipe are synchronous).
    needServer = () => setImmediate(resolve);
  });
  const transport = new LimitedStdioTransport({ warn: (m) => services.log.warn(m), early: earlyHandshake(services, needServer) });
  let server: McpServer | null = null;
  let closing = false;
  let signals = 0;
  // A graceful stop: take no new call, let writes under way finish and be
  // recorded (bounded by drainMs, answers still reach stdout), then exit.
  const shutdown = async (why: string) => {
    if (why !== "stdin closed" && ++signals > 1) {
      services.log.warn(`${why} again: exiting without waiting for writes in flight`);
      process.exit(1);
    }
    if (closing) return;
    closing = true;
    services.log.info(`${why}: taking no new calls; writes under way get up to ${opts.drainMs / 1000} s to finish and be recorded`);
    transport.stopReading();
    await opts.close();
    await server?.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // What is logged while the server loads (a refused message, say) reaches the client too, once it is connected.
  const held: LogEntry[] = [];
  const stopHolding = services.log.subscribe((entry) => void (held.length < MAX_HELD && held.push(entry)));
  transport.listen();
  await serverNeeded;
  if (closing) return;
  const { createServer } = await import("../server/createServer.js");
  const { whenClosed } = await import("../server/lifecycle.js");
  const { forwardHeldLogs } = await import("../server/logForwarding.js");
  server = createServer(services);
  // The transport closes when stdin ends or stdout breaks: nobody is left to ask anything, so stop.
  whenClosed(server, () => void shutdown("stdin closed"));
  await server.connect(transport);
  stopHolding();
  forwardHeldLogs(server, held);
  // A client that listed the tools calls one next: load them now, while it reads the list.
  preloadTools();
  services.log.debug("stdio transport connected");
}
