/**
 * Shared pieces of the Streamable HTTP tests (test/http*.test.ts): a sandbox
 * with services and startHttp in process, the SDK's own HTTP client (with or
 * without elicitation), and raw requests for what the SDK client would never
 * send (foreign Host, another credential, a stale session id).
 */
import http from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { loadConfig } from "../src/config/env.js";
import { createServices, type Services } from "../src/domain/runtime.js";
import { type HttpOptions, type RunningHttp, startHttp } from "../src/entry/http.js";
import { type Sandbox, type SandboxSeed, startSandbox } from "../src/sandbox/index.js";

export interface HttpRig {
  sandbox: Sandbox;
  services: Services;
  server: RunningHttp;
  close(): Promise<void>;
}

/** A fresh sandbox, services logged in as its admin user, and startHttp on a free loopback port. */
export async function startRig(
  opts: { seed?: SandboxSeed; http?: Partial<HttpOptions>; env?: Record<string, string> } = {},
): Promise<HttpRig> {
  const sandbox = await startSandbox(opts.seed ? { seed: opts.seed } : {});
  const config = loadConfig({
    VICIDIAL_URL: sandbox.url,
    VICIDIAL_USER: "6666",
    VICIDIAL_PASS: "sandbox1234",
    VICIDIAL_AUDIT_LOG: "off",
    ...opts.env,
  });
  const services = createServices(config, sandbox.url, { sandbox: true, logLevel: "error", retryDelayMs: 5 });
  const server = await startHttp(services, { host: "127.0.0.1", port: 0, token: "", ...opts.http });
  return {
    sandbox,
    services,
    server,
    async close() {
      await server.close();
      await services.close();
      await sandbox.close();
    },
  };
}

export interface HttpClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** The questions the person was asked, in order. */
  asked: string[];
}

/**
 * The SDK's Client over Streamable HTTP. With `elicit`, it declares the
 * elicitation capability and answers every question with it.
 */
export async function connectClient(
  url: string,
  opts: { token?: string; elicit?: (message: string) => ElicitResult | Promise<ElicitResult> } = {},
): Promise<HttpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: opts.token ? { headers: { Authorization: `Bearer ${opts.token}` } } : {},
  });
  const client = new Client({ name: "http-test", version: "1.0.0" }, { capabilities: opts.elicit ? { elicitation: { form: {} } } : {} });
  const asked: string[] = [];
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(String(req.params.message));
      return answer(String(req.params.message));
    });
  }
  await client.connect(transport);
  return { client, transport, asked };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with any headers (fetch would not let us set Host), read to its end. */
export function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: opts.method ?? "POST", headers: opts.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A GET that stays open (an SSE stream): resolves with the status and headers; `close` hangs up. */
export function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; close(): void }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "GET", headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

export function initializeBody(id: number | string = 1, capabilities: Record<string, unknown> = {}): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities, clientInfo: { name: "raw", version: "1" } },
  });
}

export const INITIALIZE = initializeBody();

/** A JSON-RPC request body. */
export function rpc(method: string, params: Record<string, unknown> = {}, id = 2): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}

/** Opens a session by hand (initialize, then the initialized notification), opening no GET stream; returns its id. */
export async function rawSession(
  url: string,
  opts: { headers?: Record<string, string>; capabilities?: Record<string, unknown> } = {},
): Promise<string> {
  const headers = opts.headers ?? {};
  const init = await raw(url, { headers: { ...MCP_HEADERS, ...headers }, body: initializeBody(1, opts.capabilities) });
  const id = init.headers["mcp-session-id"];
  if (init.status !== 200 || typeof id !== "string") throw new Error(`initialize answered ${init.status}: ${init.body}`);
  const done = await raw(url, {
    headers: { ...MCP_HEADERS, ...headers, "mcp-session-id": id },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  if (done.status !== 202) throw new Error(`notifications/initialized answered ${done.status}: ${done.body}`);
  return id;
}

export interface JsonRpcMessage {
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/**
 * POSTs one message and hands each JSON-RPC message of the SSE answer to
 * `onMessage` as it arrives (so a test can answer a server request while
 * the stream is still open); resolves when the stream ends.
 */
export function postAndListen(
  url: string,
  opts: { headers: Record<string, string>; body: string; onMessage: (m: JsonRpcMessage) => void },
): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: opts.headers }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        buffer += d;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          for (const line of buffer.slice(0, end).split("\n")) {
            if (line.startsWith("data: ") && line.length > 6) opts.onMessage(JSON.parse(line.slice(6)) as JsonRpcMessage);
          }
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
      });
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The JSON-RPC messages of an answer, whether it came as JSON or as an SSE stream. */
export function messagesOf(r: RawResponse): JsonRpcMessage[] {
  if ((r.headers["content-type"] ?? "").includes("text/event-stream")) {
    return r.body
      .split("\n")
      .filter((line) => line.startsWith("data: ") && line.length > 6)
      .map((line) => JSON.parse(line.slice(6)));
  }
  return [JSON.parse(r.body)];
}

/** The error of a transport-level refusal (a JSON-RPC error body with no result). */
export function transportError(r: RawResponse): { code: number; message: string; id: unknown } {
  const body = JSON.parse(r.body) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
  if (body.jsonrpc !== "2.0" || !body.error) throw new Error(`not a JSON-RPC error: ${r.body}`);
  return { ...body.error, id: body.id };
}

/** Wait until `test` holds, polling; throws after `ms`. */
export async function waitUntil(test: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
