/**
 * MCP sessions over Streamable HTTP: one McpServer and one SDK transport per
 * client, created by its initialize and found again by `Mcp-Session-Id`, so
 * the server remembers what the client declared (elicitation above all) and
 * can send it requests on its streams. Sessions live in this process's
 * memory only: another instance knows none of them.
 *
 * Limits: a session nobody has used for `idleMs` is closed (a later request
 * with its id gets 404, and the client initializes again); a session with a
 * POST in flight, which includes a tool call waiting for the person's
 * confirmation, is never idle. An open GET stream alone does not keep a
 * session alive: SDK clients hold one for as long as they exist, so counting
 * it would let sessions of idle clients fill the cap. At `maxSessions`, a new
 * initialize is refused (503) and existing sessions keep working; nothing is
 * evicted, so one busy caller can never end another's session.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Logger } from "../common/log.js";
import { ConfigError } from "../config/env.js";
import type { Caller } from "./httpGate.js";

export interface SessionLimits {
  /** A session unused this long is closed. */
  idleMs: number;
  /** Most sessions open at once (including ones being initialized). */
  maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxSessions: 100 };

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= range.min && n <= range.max)) {
    throw new ConfigError(name, `expected a whole number from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return n;
}

/** MCP_HTTP_SESSION_IDLE_MS (1 s to 24 h) and MCP_HTTP_MAX_SESSIONS (1 to 10000); a bad value is a ConfigError. */
export function sessionLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SessionLimits {
  return {
    idleMs: wholeNumber(env, "MCP_HTTP_SESSION_IDLE_MS", DEFAULT_SESSION_LIMITS.idleMs, { min: 1000, max: 86_400_000 }),
    maxSessions: wholeNumber(env, "MCP_HTTP_MAX_SESSIONS", DEFAULT_SESSION_LIMITS.maxSessions, { min: 1, max: 10_000 }),
  };
}

/** One HTTP request for a session: what the SDK transport needs to answer it. */
export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  caller: Caller;
  /** The POST body, already read and parsed (undefined for GET and DELETE). */
  body?: unknown;
}

class Session {
  id = "";
  /** Requests other than GET streams being answered now. */
  openRequests = 0;
  lastActive = Date.now();
  idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly actor: string,
    readonly server: McpServer,
    readonly transport: StreamableHTTPServerTransport,
  ) {}
}

export class SessionRegistry {
  /** Every session, those still being initialized included: the cap counts them all. */
  private readonly all = new Set<Session>();
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly opts: {
      limits: SessionLimits;
      /** A fresh McpServer for a new session. */
      newServer: () => McpServer;
      log: Logger;
    },
  ) {}

  get limits(): SessionLimits {
    return this.opts.limits;
  }

  /** Sessions open now (initialized ones). */
  get size(): number {
    return this.byId.size;
  }

  get full(): boolean {
    return this.all.size >= this.opts.limits.maxSessions;
  }

  /** Seconds until the session closest to its idle timeout expires (at least 1): when a refused initialize may retry. */
  retryAfterSeconds(): number {
    const now = Date.now();
    let soonest = this.opts.limits.idleMs;
    for (const s of this.byId.values()) {
      if (s.openRequests === 0) soonest = Math.min(soonest, s.lastActive + this.opts.limits.idleMs - now);
    }
    return Math.max(1, Math.ceil(soonest / 1000));
  }

  /**
   * The session with this id, if it exists and belongs to this caller. A
   * session of another actor is reported as missing (404), never shared.
   */
  find(id: string, caller: Caller): Session | undefined {
    const session = this.byId.get(id);
    if (session && session.actor !== caller.actor) {
      this.opts.log.warn(`HTTP session ${shortId(id)} belongs to another credential; refused (404) for actor ${caller.actor}`);
      return undefined;
    }
    return session;
  }

  /** Answers an initialize with a new session; the caller checks `full` first. */
  async initialize(exchange: Exchange): Promise<void> {
    const server = this.opts.newServer();
    const session: Session = new Session(
      exchange.caller.actor,
      server,
      new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => {
          session.id = id;
          this.byId.set(id, session);
          this.opts.log.debug(`HTTP session ${shortId(id)} opened for actor ${session.actor} (${this.byId.size} open)`);
        },
      }),
    );
    this.all.add(session);
    // Ended by DELETE, idle expiry or shutdown: every way out goes through the server's close.
    server.server.onclose = () => this.forget(session);
    try {
      await server.connect(session.transport);
      await this.handle(session, exchange);
    } finally {
      // Refused before a session id was given (a bad Accept header, say): nothing to keep.
      if (!session.id) {
        this.forget(session);
        await server.close().catch(() => {});
      }
    }
  }

  /** Passes one request to its session's transport, keeping the session's idle clock. */
  async handle(session: Session, exchange: Exchange): Promise<void> {
    const { req, res, caller, body } = exchange;
    const busy = req.method !== "GET";
    this.touch(session, busy);
    if (busy) res.once("close", () => this.release(session));
    // The SDK's Node transport passes req.auth on as extra.authInfo to the request handlers.
    (req as http.IncomingMessage & { auth?: Caller["authInfo"] }).auth = caller.authInfo;
    await session.transport.handleRequest(req, res, body);
  }

  /** Closes every session (their streams end): for shutdown. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.all].map((s) => s.server.close().catch(() => {})));
  }

  private touch(session: Session, busy: boolean): void {
    session.lastActive = Date.now();
    if (busy) {
      session.openRequests++;
      clearTimeout(session.idleTimer);
      session.idleTimer = undefined;
    } else {
      this.armIdleTimer(session);
    }
  }

  private release(session: Session): void {
    session.openRequests--;
    session.lastActive = Date.now();
    this.armIdleTimer(session);
  }

  private armIdleTimer(session: Session): void {
    if (session.openRequests > 0 || !this.all.has(session)) return;
    clearTimeout(session.idleTimer);
    const { idleMs } = this.opts.limits;
    session.idleTimer = setTimeout(() => {
      if (session.openRequests > 0) return;
      this.opts.log.info(`HTTP session ${shortId(session.id)} closed after ${Math.round(idleMs / 1000)} s unused`);
      void session.server.close().catch(() => {});
    }, idleMs);
    // The timer alone never keeps the process running.
    session.idleTimer.unref();
  }

  private forget(session: Session): void {
    clearTimeout(session.idleTimer);
    this.all.delete(session);
    if (this.byId.get(session.id) === session) this.byId.delete(session.id);
  }
}

/** Enough of a session id to tell sessions apart in logs. */
function shortId(id: string): string {
  return id ? `${id.slice(0, 8)}…` : "(not initialized)";
}
