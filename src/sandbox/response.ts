/**
 * What a sandbox handler returns, and the request context it gets. Handlers
 * are synchronous and pure apart from state changes, so the server can run,
 * delay, cut or drop a response (fault injection) after the fact.
 */
import type { RequestParams } from "./params.js";
import type { SandboxState } from "./state.js";
import type { SandboxUser } from "./types.js";

/** non_agent_api.php sets this header itself (lower-case utf-8). */
export const API_CONTENT_TYPE = "text/html; charset=utf-8";
/** Apache's AddDefaultCharset, for pages that set no header of their own. */
export const APACHE_CONTENT_TYPE = "text/html; charset=UTF-8";

export interface SandboxResponse {
  status: number;
  /** reason phrase when Node's default differs from PHP's */
  statusMessage?: string;
  headers: Record<string, string>;
  body: Buffer;
  /**
   * API answers only: how many bytes of the body were printed when the script
   * wrote its request log (VICIdial's api_log). When that write fails, PHP
   * stops there with HTTP 500 and the bytes printed so far.
   */
  requestLogAt?: number;
  /** a large body written piece by piece instead of `body` (sent chunked, no Content-Length) */
  stream?: Iterable<string>;
}

export interface RequestContext {
  state: SandboxState;
  params: RequestParams;
  basic?: { user: string; pass: string };
  /** client IP, IPv4-mapped prefix removed */
  ip: string;
  now: number;
  /** the server's time zone, hours east of UTC (default -5) */
  utcOffsetHours?: number;
  /** what PHP's getenv() would see of the request, for pages that log their visits */
  http?: RequestEnvironment;
}

export interface RequestEnvironment {
  /** REQUEST_URI: path and query as sent */
  uri: string;
  /** SERVER_NAME and SERVER_PORT */
  serverName: string;
  serverPort: number;
  userAgent: string;
  referer: string;
}

/** The whole body of a response, streamed or not (for faults that cut a body). */
export function bodyOf(r: SandboxResponse): Buffer {
  return r.stream ? Buffer.from([...r.stream].join(""), "utf8") : r.body;
}

/** An API function call after a good login. */
export interface ApiCall {
  ctx: RequestContext;
  user: SandboxUser;
  /** the user name as sent (sanitised), which VICIdial echoes */
  who: string;
}

export function textResponse(body: string, contentType: string, status = 200, extra: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { "Content-Type": contentType, ...extra }, body: Buffer.from(body, "utf8") };
}

/** A plain-text API answer (always HTTP 200 unless stated). */
export function apiText(body: string, status = 200): SandboxResponse {
  return textResponse(body, API_CONTENT_TYPE, status);
}

/** An API answer followed by the request-log write (after `printedBefore` characters, default all). */
export function loggedApiText(body: string, printedBefore: string = body): SandboxResponse {
  return { ...apiText(body), requestLogAt: Buffer.byteLength(printedBefore, "utf8") };
}

/** PHP fatal error: HTTP 500 with an empty body (headers already sent by the script). */
export function phpFatal(contentType = API_CONTENT_TYPE): SandboxResponse {
  return textResponse("", contentType, 500);
}
