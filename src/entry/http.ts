/**
 * Streamable HTTP transport at /mcp, with MCP sessions: each client's
 * initialize opens a session (its own McpServer over the shared services,
 * see httpSessions.ts) and every later request names it in `Mcp-Session-Id`.
 * That is what lets a tool ask the person to confirm over HTTP: the server
 * knows the client declared elicitation, and the question travels on the
 * tool call's own response stream.
 *
 * Sessions live in this process: behind a load balancer, route every request
 * with an Mcp-Session-Id to the instance that gave it (sticky sessions). Write
 * locks, the stop after a failed login and the rate limits live in this
 * process too, unless VICIDIAL_COORDINATION_URL shares them (domain/fleet/);
 * without it, run one instance per VICIdial system (the README says why).
 * Every request first passes the Host and Origin checks (DNS rebinding) and
 * the credential check (httpGate.ts: MCP_HTTP_TOKEN; oauth.ts: OAuth access
 * tokens, whose metadata is served at /.well-known/oauth-protected-resource);
 * a tool call then passes its scope and rate checks (httpCallGate.ts).
 * Bodies are bounded in size.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Services } from "../domain/runtime.js";
import { createServer } from "../server/createServer.js";
import { planTools } from "../server/toolAvailability.js";
import { toolCatalogue } from "../server/toolCatalogue.js";
import { readJsonBody } from "./httpBody.js";
import { gateCall, sendOutcome } from "./httpCallGate.js";
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
import { oauthAuthenticator } from "./oauth.js";
import { type OAuthSettings, oauthSettingsFromEnv } from "./oauthConfig.js";

export { assertExposure, assertHttpExposureAllowed, resolveToken } from "./httpGate.js";
export { DEFAULT_SESSION_LIMITS, type SessionLimits, sessionLimitsFromEnv } from "./httpSessions.js";
export { oauthSettingsFromEnv } from "./oauthConfig.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token; defaults to MCP_HTTP_TOKEN. Empty or blank means none. */
  token?: string;
  /** OAuth resource server settings; defaults to MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE; null for none. */
  oauth?: OAuthSettings | null;
  /** Who a request comes from; defaults to OAuth (when configured) and the bearer token above. */
  authenticator?: Authenticator;
  /** Overrides MCP_HTTP_SESSION_IDLE_MS and MCP_HTTP_MAX_SESSIONS. */
  sessionLimits?: Partial<SessionLimits>;
  /** Builds each session's server; defaults to the server factory. */
  newServer?: (services: Services) => McpServer;
  banner?: string;
  /** True when VICIDIAL_COORDINATION_URL shares locks, login stop and limits with other instances (for the banner). */
  coordinated?: boolean;
  /** Called on SIGINT or SIGTERM once no new request is taken: the entry point's own shutdown (writes in flight, the VICIdial client). */
  onClose?: () => Promise<void>;
}

export interface RunningHttp {
  url: string;
  port: number;
  tokenRequired: boolean;
  /** What a request must carry, for the banner (when tokenRequired). */
  credential: string;
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
  const oauth = opts.oauth !== undefined ? opts.oauth : oauthSettingsFromEnv(process.env);
  const authenticator =
    opts.authenticator ??
    (oauth ? oauthAuthenticator({ settings: oauth, staticToken: token, log: services.log }) : tokenAuthenticator(token));
  assertExposure(opts.host, authenticator.requiresCredential);
  const resource = authenticator.resource ?? null;
  void authenticator.warmUp?.();
  // The tools every session offers: the ones a tool call's scope and rate checks apply to.
  const offered = new Map(planTools(await toolCatalogue(), services).available.map((t) => [t.name, t]));
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
    // Public metadata, for any client on any origin: no credential, no Host or Origin check.
    if (resource?.serves(url.pathname)) return resource.answer(req, res);
    if (url.pathname !== "/mcp") return refuse(res, { status: 404, message: "Not found: the MCP endpoint is /mcp" });
    const foreign = checkHostAndOrigin(req, { host: opts.host, port });
    if (foreign) return refuse(res, foreign);
    const caller = await authenticator.identify(req);
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
    const gated = await gateCall(body, caller, { services, tools: offered, resource });
    if (!("pass" in gated)) return sendOutcome(res, gated);
    await sessions.handle(session, { req, res, caller: gated.pass, body });
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
    credential: resource
      ? `OAuth access token required, from ${resource.settings.issuer} for ${resource.settings.audience}${token ? "; MCP_HTTP_TOKEN accepted too" : ""}`
      : "bearer token required",
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
    `${opts.banner ? `${opts.banner}\n` : ""}Listening on ${running.url}${running.tokenRequired ? ` (${running.credential})` : ""}\n` +
      `Sessions: at most ${running.limits.maxSessions} open, each closed after ${idleMin} min unused${opts.coordinated ? "; behind a load balancer, route each Mcp-Session-Id to the instance that gave it" : ". Run one instance per VICIdial system"}.\n`,
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
