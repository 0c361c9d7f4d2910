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
import { ConfigError, isLoopbackHost } from "./config.js";
import { createServer } from "./server.js";
import type { Services } from "./services.js";

export interface HttpOptions {
  host: string;
  port: number;
  token?: string;
  banner?: string;
  onClose?: () => Promise<void>;
}

export interface RunningHttp {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function reject(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/** host[:port] names that mean this server when bound to loopback. */
function loopbackNames(port: number): Set<string> {
  const names = ["localhost", "127.0.0.1", "[::1]"];
  return new Set(names.flatMap((n) => [n, `${n}:${port}`]));
}

export async function startHttp(services: Services, opts: HttpOptions): Promise<RunningHttp> {
  const token = opts.token ?? process.env.MCP_HTTP_TOKEN ?? "";
  const loopback = isLoopbackHost(opts.host);
  if (!loopback && !token) {
    throw new ConfigError("MCP_HTTP_TOKEN", `required to listen on ${opts.host} (beyond loopback): set a long random token`);
  }
  let port = opts.port;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== "/mcp") return reject(res, 404, "Not found: the MCP endpoint is /mcp");
      const host = (req.headers.host ?? "").toLowerCase();
      if (loopback && !loopbackNames(port).has(host)) return reject(res, 403, "Forbidden: Host header does not name this server");
      const origin = req.headers.origin;
      if (origin !== undefined) {
        let originHost = "";
        try {
          originHost = new URL(origin).host.toLowerCase();
        } catch {
          /* an unparsable Origin is foreign */
        }
        const ok = loopback ? loopbackNames(port).has(originHost) : originHost === host;
        if (!ok) return reject(res, 403, "Forbidden: foreign Origin");
      }
      if (token) {
        const auth = req.headers.authorization ?? "";
        const m = /^Bearer\s+(.+)$/i.exec(auth);
        if (!m || !sameSecret(m[1]!.trim(), token)) {
          return reject(res, 401, "Unauthorized: send Authorization: Bearer <MCP_HTTP_TOKEN>", { "www-authenticate": 'Bearer realm="vicidial-alturl-mcp"' });
        }
      }
      if (req.method !== "POST") {
        return reject(res, 405, "Method not allowed: this server is stateless; POST JSON-RPC to /mcp", { allow: "POST" });
      }
      const mcp = createServer(services);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    } catch (err) {
      services.log.error(`HTTP request failed: ${(err as Error).message}`);
      if (!res.headersSent) reject(res, 500, "Internal error");
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/mcp`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function runHttp(services: Services, opts: HttpOptions): Promise<void> {
  const running = await startHttp(services, opts);
  process.stderr.write(`${opts.banner ? opts.banner + "\n" : ""}Listening on ${running.url}${process.env.MCP_HTTP_TOKEN ? " (bearer token required)" : ""}\n`);
  const shutdown = async () => {
    await running.close();
    await opts.onClose?.();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
