/**
 * Streamable HTTP transport at /mcp, stateless: every POST gets a fresh
 * McpServer over the shared services, so any number of copies can run behind
 * a load balancer. A bearer token (MCP_HTTP_TOKEN) is compared in constant
 * time and required off loopback; Host and Origin are checked against the
 * bound address so a web page cannot reach a local server (DNS rebinding).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ConfigError, isLoopbackHost } from "../config/env.js";
import type { Services } from "../domain/runtime.js";
import { createServer } from "../server/createServer.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token; defaults to MCP_HTTP_TOKEN. Empty or blank means none. */
  token?: string;
  banner?: string;
  onClose?: () => Promise<void>;
}

export interface RunningHttp {
  url: string;
  port: number;
  tokenRequired: boolean;
  close(): Promise<void>;
}

/** Every tool argument is small: a megabyte is far more than any call needs. */
const MAX_BODY_BYTES = 1024 * 1024;

/** JSON-RPC code the SDK uses for transport-level refusals (no request id is known yet). */
const TRANSPORT_ERROR = -32000;

/** The token in force: the option, else MCP_HTTP_TOKEN; surrounding blanks never count. */
export function resolveToken(opts: Pick<HttpOptions, "token">, env: NodeJS.ProcessEnv = process.env): string {
  return (opts.token ?? env.MCP_HTTP_TOKEN ?? "").trim();
}

/**
 * Refuses, before anything starts, to listen beyond loopback without a token:
 * anyone who can reach the port could otherwise change the call centre's Alt URLs.
 */
export function assertHttpExposureAllowed(host: string, token: string): void {
  if (!isLoopbackHost(host) && !token) {
    throw new ConfigError(
      "MCP_HTTP_TOKEN",
      `required to listen on ${host} (beyond loopback): set it to a long random secret, or use --host 127.0.0.1`,
    );
  }
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function refuse(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: TRANSPORT_ERROR, message }, id: null }));
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** host[:port] names that mean this server when bound to loopback. */
function loopbackNames(boundHost: string, port: number): Set<string> {
  const names = ["localhost", "127.0.0.1", "[::1]", bracketed(boundHost.toLowerCase())];
  return new Set(names.flatMap((n) => [n, `${n}:${port}`]));
}

/** Why a request may not reach the MCP endpoint, or null when it may. */
function gatekeep(
  req: http.IncomingMessage,
  loopback: boolean,
  boundHost: string,
  port: number,
  token: string,
): { status: number; message: string; headers?: Record<string, string> } | null {
  const host = (req.headers.host ?? "").toLowerCase();
  // Beyond loopback the Host is whatever name the operator gave the machine; the token guards it.
  if (loopback && !loopbackNames(boundHost, port).has(host)) {
    return { status: 403, message: `Forbidden: Host header "${host}" does not name this server` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost = "";
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      /* an unparsable Origin (including "null") is foreign */
    }
    const ok = loopback ? loopbackNames(boundHost, port).has(originHost) : originHost === host;
    if (!ok) return { status: 403, message: "Forbidden: foreign Origin" };
  }
  if (token) {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
    if (!m || !sameSecret(m[1]!.trim(), token)) {
      return {
        status: 401,
        message: "Unauthorized: send Authorization: Bearer <MCP_HTTP_TOKEN>",
        headers: { "www-authenticate": 'Bearer realm="vicidial-alturl-mcp"' },
      };
    }
  }
  // Stateless: no SSE stream to open with GET and no session to end with DELETE;
  // the spec's answer to both is 405.
  if (req.method !== "POST") {
    return {
      status: 405,
      message: "Method not allowed: this server is stateless; POST JSON-RPC messages to /mcp",
      headers: { allow: "POST" },
    };
  }
  return null;
}

export async function startHttp(services: Services, opts: HttpOptions): Promise<RunningHttp> {
  const token = resolveToken(opts);
  assertHttpExposureAllowed(opts.host, token);
  const loopback = isLoopbackHost(opts.host);
  let port = opts.port;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== "/mcp") return refuse(res, 404, "Not found: the MCP endpoint is /mcp");
      const refusal = gatekeep(req, loopback, opts.host, port, token);
      if (refusal) return refuse(res, refusal.status, refusal.message, refusal.headers);
      const mcp = createServer(services);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, maxRequestBodySize: MAX_BODY_BYTES });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    } catch (err) {
      services.log.error(`HTTP request failed: ${(err as Error).message}`);
      if (!res.headersSent) refuse(res, 500, "Internal error");
      else res.end();
    }
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
  return {
    url: `http://${bracketed(opts.host)}:${port}/mcp`,
    port,
    tokenRequired: token !== "",
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The CLI's `--http`: listen, say where on stderr (the port may have been 0), stop on a signal. */
export async function runHttp(services: Services, opts: HttpOptions): Promise<void> {
  const running = await startHttp(services, opts);
  process.stderr.write(
    `${opts.banner ? opts.banner + "\n" : ""}Listening on ${running.url}${running.tokenRequired ? " (bearer token required)" : ""}\n`,
  );
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await running.close();
    await opts.onClose?.();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
