/**
 * The sandbox's HTTP server (node:http only): routing, parameter parsing,
 * fault injection, request statistics and a prompt shutdown.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { handleAdmin, isAdminWrite } from "./admin.js";
import { handleApi, isApiWrite } from "./api.js";
import { DEFAULT_UTC_OFFSET_HOURS } from "./clock.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import { FaultController, type FaultTarget, garbageBytes, htmlErrorPage } from "./faults.js";
import { type FiringContext, fireDisposition, runUrls } from "./firing.js";
import { parseBasicAuth, parseQuery, RequestParams } from "./params.js";
import { handleReport } from "./report.js";
import { REPORT_PATH } from "./report-query.js";
import { API_CONTENT_TYPE, bodyOf, phpFatal, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { defaultSeed } from "./seed.js";
import { SandboxState } from "./state.js";
import type { FaultRule, Sandbox, SandboxOptions, SandboxRequestRecord, SandboxStats } from "./types.js";

/** Default longest silence of one fired URL: PHP's default_socket_timeout. */
const DEFAULT_FETCH_TIMEOUT_MS = 60_000;

export const API_PATH = "/vicidial/non_agent_api.php";
export const ADMIN_PATH = "/vicidial/admin_url_multi.php";
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The recorded server answers request lines far over Node's 16 KB default (a 65,000-character URL, encoded). */
const MAX_HEADER_BYTES = 1024 * 1024;

function notFound(path: string): SandboxResponse {
  const body =
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n' +
    `<h1>Not Found</h1>\n<p>The requested URL ${path.replace(/[<>&"]/g, "")} was not found on this server.</p>\n</body></html>\n`;
  return textResponse(body, "text/html; charset=iso-8859-1", 404);
}

function clientIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(Buffer.alloc(0)));
    req.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

/** Writes a streamed body piece by piece, waiting whenever the socket's buffer is full. */
async function sendStream(res: ServerResponse, r: SandboxResponse & { stream: Iterable<string> }): Promise<void> {
  if (r.statusMessage) res.writeHead(r.status, r.statusMessage, r.headers);
  else res.writeHead(r.status, r.headers);
  for (const chunk of r.stream) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  res.end();
}

function send(res: ServerResponse, r: SandboxResponse): void {
  if (res.destroyed || res.headersSent) return;
  if (r.stream) {
    // A body that cannot be finished is cut, as a dying PHP process would leave it.
    sendStream(res, { ...r, stream: r.stream }).catch(() => res.destroy());
    return;
  }
  const headers = { ...r.headers, "Content-Length": String(r.body.length) };
  if (r.statusMessage) res.writeHead(r.status, r.statusMessage, headers);
  else res.writeHead(r.status, headers);
  res.end(r.body);
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const now = opts.now ?? Date.now;
  const utcOffsetHours = opts.utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS;
  const state = new SandboxState(opts.seed ?? defaultSeed({ now: now(), utcOffsetHours }));
  // Aborted by close(), so no fired URL outlives the sandbox.
  const closing = new AbortController();
  const firing: FiringContext = {
    state,
    now,
    utcOffsetHours,
    fetchTimeoutMs: opts.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
    signal: closing.signal,
  };
  const faults = new FaultController();
  const counters = { requests: 0, inFlight: 0, maxInFlight: 0 };
  let log: SandboxRequestRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controlPath = (req.url ?? "/").split("?")[0]!;
    // The sandbox's own controls are no VICIdial requests: no faults, no statistics.
    if (controlPath.startsWith(CONTROL_PREFIX)) return handleControl(req, res, controlPath, await readBody(req), firing);
    counters.requests++;
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    let finished = false;
    // 'close' fires once the response is sent or the socket is gone, whichever way.
    res.on("close", () => {
      if (!finished) {
        finished = true;
        counters.inFlight--;
      }
    });

    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const basic = parseBasicAuth(req.headers.authorization);
    const record: SandboxRequestRecord = { method: req.method ?? "GET", path, params: [], status: 0, at: now() };
    if (basic) record.basicUser = basic.user;
    log.push(record);

    const body = await readBody(req);
    const form = /application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "");
    const params = new RequestParams(
      parseQuery(q < 0 ? "" : rawUrl.slice(q + 1)),
      req.method === "POST" && form ? parseQuery(body.toString("utf8")) : [],
    );
    // Passwords never reach the log.
    record.params = params.all().map(([k, v]) => [k, k === "pass" ? "***" : v]);

    const endpoint = path === API_PATH ? "api" : path === ADMIN_PATH ? "admin" : path === REPORT_PATH ? "report" : "other";
    const target: FaultTarget = {
      path: endpoint,
      fn: params.raw("function"),
      write:
        endpoint === "api"
          ? isApiWrite(params.raw("function"), params.raw("alt_url_id"))
          : endpoint === "admin" && isAdminWrite(params.raw("action")),
    };

    const handle = (): SandboxResponse => {
      const ctx: RequestContext = {
        state,
        params,
        ip: clientIp(req),
        now: now(),
        utcOffsetHours,
        http: {
          uri: rawUrl,
          serverName: (req.headers.host ?? "").replace(/:\d+$/, ""),
          serverPort: req.socket.localPort ?? 0,
          userAgent: req.headers["user-agent"] ?? "",
          referer: req.headers.referer ?? "",
        },
        ...(basic ? { basic } : {}),
      };
      try {
        if (endpoint === "api") return handleApi(ctx);
        if (endpoint === "admin") return handleAdmin(ctx);
        if (endpoint === "report") return handleReport(ctx);
        return notFound(path);
      } catch {
        return phpFatal();
      }
    };
    const reply = (r: SandboxResponse) => {
      record.status = r.status;
      send(res, r);
    };

    const rule = faults.take(target);
    const act = () => (rule ? applyFault(rule) : reply(handle()));
    const applyFault = (rule: FaultRule) => {
      switch (rule.mode) {
        case "latency":
          return reply(handle());
        case "hang":
          return; // never answered; close() destroys the socket
        case "http500-empty":
          return reply(phpFatal());
        case "html-error":
          return reply(textResponse(htmlErrorPage(), "text/html; charset=iso-8859-1", 500));
        case "reset-before-response":
          return req.socket.destroy();
        case "reset-after-apply":
          handle();
          return req.socket.destroy();
        case "truncated-body": {
          const handled = handle();
          const r = { ...handled, body: bodyOf(handled) };
          record.status = r.status;
          const declared = r.body.length > 0 ? r.body.length : 64;
          const part = r.body.subarray(0, Math.floor(r.body.length / 2));
          res.writeHead(r.status, { ...r.headers, "Content-Length": String(declared) });
          res.write(part, () => req.socket.destroy());
          return;
        }
        case "garbage":
          return reply({ status: 200, headers: { "Content-Type": API_CONTENT_TYPE }, body: garbageBytes() });
      }
    };

    const delay = rule?.latencyMs ?? 0;
    if (delay > 0) later(delay, act);
    else act();
  }

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    void onRequest(req, res);
  });
  // A request the HTTP parser refuses (raw non-ASCII bytes in the request
  // line, for one) gets no answer: the recorded server hung up on those.
  server.on("clientError", (_err, socket) => socket.destroy());
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    users: state.users.map((u) => ({ ...u })),
    stats(): SandboxStats {
      return {
        ...counters,
        failedLogins: state.failedLoginCounts(),
        log: log.map((r) => ({ ...r, params: r.params.map(([k, v]) => [k, v] as [string, string]) })),
      };
    },
    resetStats(): void {
      counters.requests = 0;
      counters.maxInFlight = counters.inFlight;
      log = [];
    },
    setFaults(rules: FaultRule[]): void {
      faults.set(rules);
    },
    dump(): string {
      return state.dump();
    },
    utcOffsetHours,
    fireDisposition: (input) => fireDisposition(firing, input),
    runUrls: (urlLogIds, o) => runUrls(firing, urlLogIds, o?.fetchTimeoutMs ?? firing.fetchTimeoutMs),
    addUrlLogRows: (rows) => rows.map((row) => state.urlLog.insert(row).url_log_id),
    urlLog: () => state.urlLog.all(),
    reportLog: () => state.reportLog.all(),
    resetFailedLogins(user?: string): void {
      state.resetFailedLogins(user);
    },
    setPassword(user: string, pass: string): void {
      const u = state.findUser(user);
      if (!u) throw new Error(`the sandbox has no user ${user}`);
      u.pass = pass;
    },
    close(): Promise<void> {
      closing.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
    },
  };
}
