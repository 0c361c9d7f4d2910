/**
 * Streamable HTTP transport at /mcp, with MCP sessions: each client's
 * initialize opens a session (its own McpServer over the shared services,
 * see httpSessions.ts) and every later request names it in `Mcp-Session-Id`.
 * That is what lets a tool ask the person to confirm over HTTP: the server
 * knows the client declared elicitation, and the question travels on the
 * tool call's own response stream.
 *
 * Sessions, write locks and the stop after a failed login live in this
 * process: run one instance per VICIdial system (the README says why).
 * Every request first passes the Host and Origin checks (DNS rebinding) and
 * the credential check (httpGate.ts); bodies are bounded in size.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Services } from "../domain/runtime.js";
import { createServer } from "../server/createServer.js";
import { readJsonBody } from "./httpBody.js";
import {
  type Authenticator,
  assertExposure,
  bracketed,
  checkHostAndOrigin,
  isRefusal,
  refuse,
  resolveToken,
  tokenAuthenticator,
} from "./httpGate.js";
import { type Exchange, type SessionLimits, SessionRegistry, sessionLimitsFromEnv } from "./httpSessions.js";

export { assertHttpExposureAllowed, resolveToken } from "./httpGate.js";
export { DEFAULT_SESSION_LIMITS, type SessionLimits, sessionLimitsFromEnv } from "./httpSessions.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token; defaults to MCP_HTTP_TOKEN. Empty or blank means none. */
  token?: string;
  /** Who a request comes from; defaults to the bearer token above. The seam for other credentials (OAuth). */
  authenticator?: Authenticator;
  /** Overrides MCP_HTTP_SESSION_IDLE_MS and MCP_HTTP_MAX_SESSIONS. */
  sessionLimits?: Partial<SessionLimits>;
  /** Builds each session's server; defaults to the server factory. */
  newServer?: (services: Services) => McpServer;
  banner?: string;
  /** Called on SIGINT or SIGTERM once no new request is taken: the entry point's own shutdown (writes in flight, the VICIdial client). */
  onClose?: () => Promise<void>;
}

export interface RunningHttp {
  url: string;
  port: number;
  tokenRequired: boolean;
  limits: SessionLimits;
  /** Sessions open now. */
  sessionCount(): number;
  /** Takes no new connection or request (503); requests already being answered go on. */
  stopAccepting(): void;
  /** Ends every session and connection and stops listening. */
  close(): Promise<void>;
}

/** Every tool argument is small: a megabyte is far more than any call needs. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The code the SDK gives "Session not found". */
const SESSION_NOT_FOUND = -32001;

const METHODS = new Set(["GET", "POST", "DELETE"]);

function holdsInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}

function requestId(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

export async function startHttp(services: Services, opts: HttpOptions): Promise<RunningHttp> {
  const token = resolveToken(opts);
  const authenticator = opts.authenticator ?? tokenAuthenticator(token);
  assertExposure(opts.host, authenticator.requiresCredential);
  const limits: SessionLimits = { ...sessionLimitsFromEnv(process.env), ...opts.sessionLimits };
  const newServer = opts.newServer ?? createServer;
  const sessions = new SessionRegistry({ limits, newServer: () => newServer(services), log: services.log });
  let port = opts.port;
  let stopping = false;

  async function openSession(exchange: Exchange): Promise<void> {
    if (sessions.full) {
      const wait = sessions.retryAfterSeconds();
      services.log.warn(`HTTP: refused a new session: ${limits.maxSessions} are open (MCP_HTTP_MAX_SESSIONS)`);
      return refuse(
        exchange.res,
        {
          status: 503,
          message:
            `Too many open sessions: this server holds at most ${limits.maxSessions} (MCP_HTTP_MAX_SESSIONS). ` +
            `Existing sessions keep working; end unused ones with DELETE, or retry in ${wait} s, when an idle one may have expired.`,
          headers: { "retry-after": String(wait) },
        },
        requestId(exchange.body),
      );
    }
    await sessions.initialize(exchange);
  }

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (stopping) {
      return refuse(res, { status: 503, message: "Service unavailable: the server is shutting down", headers: { connection: "close" } });
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/mcp") return refuse(res, { status: 404, message: "Not found: the MCP endpoint is /mcp" });
    const foreign = checkHostAndOrigin(req, { host: opts.host, port });
    if (foreign) return refuse(res, foreign);
    const caller = authenticator.identify(req);
    if (isRefusal(caller)) return refuse(res, caller);
    if (!METHODS.has(req.method ?? "")) {
      return refuse(res, {
        status: 405,
        message: "Method not allowed: POST JSON-RPC messages, GET a session's event stream, DELETE to end a session",
        headers: { allow: "GET, POST, DELETE" },
      });
    }
    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req, MAX_BODY_BYTES);
      if (!read.ok) return refuse(res, read.refusal, null, read.code);
      body = read.value;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (sessionId === undefined) {
      if (req.method === "POST" && holdsInitialize(body)) return openSession({ req, res, caller, body });
      return refuse(res, {
        status: 400,
        message: "Bad Request: Mcp-Session-Id header is required; open a session with an initialize request first",
      });
    }
    const session = typeof sessionId === "string" ? sessions.find(sessionId, caller) : undefined;
    if (!session) {
      return refuse(
        res,
        { status: 404, message: "Session not found: it was ended or expired; send a new initialize without Mcp-Session-Id" },
        null,
        SESSION_NOT_FOUND,
      );
    }
    await sessions.handle(session, { req, res, caller, body });
  }

  const server = http.createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      services.log.error(`HTTP request failed: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) refuse(res, { status: 500, message: "Internal error" });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => services.log.error(`HTTP server error: ${err.message}`));
  port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const stopAccepting = () => {
    if (closed) return;
    stopping = true;
    // Resolves once every connection has ended (close() below ends the rest).
    closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  };
  return {
    url: `http://${bracketed(opts.host)}:${port}/mcp`,
    port,
    tokenRequired: authenticator.requiresCredential,
    limits,
    sessionCount: () => sessions.size,
    stopAccepting,
    async close() {
      stopAccepting();
      await sessions.closeAll();
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The CLI's `--http`: listen, say where on stderr (the port may have been 0),
 * and stop gracefully on SIGINT or SIGTERM: take no new request, let the
 * entry point finish its own work (onClose), then end the sessions. A second
 * signal exits at once.
 */
export async function runHttp(services: Services, opts: HttpOptions): Promise<void> {
  const running = await startHttp(services, opts);
  const idleMin = Math.round((running.limits.idleMs / 60_000) * 10) / 10;
  process.stderr.write(
    `${opts.banner ? `${opts.banner}\n` : ""}Listening on ${running.url}${running.tokenRequired ? " (bearer token required)" : ""}\n` +
      `Sessions: at most ${running.limits.maxSessions} open, each closed after ${idleMin} min unused. Run one instance per VICIdial system.\n`,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      services.log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    services.log.info(`${signal}: taking no new requests, then closing ${running.sessionCount()} session(s)`);
    running.stopAccepting();
    try {
      await opts.onClose?.();
    } catch (err) {
      services.log.error(`shutdown: ${(err as Error)?.message ?? String(err)}`);
    }
    await running.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
