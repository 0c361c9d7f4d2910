/**
 * One URL fetched the way VICIdial's agent-side script fetches a dispo URL:
 * PHP's file() with PHP 8's defaults. A GET with HTTP/1.1, only `Host` and
 * `Connection: close` (no User-Agent, no Accept-Encoding), redirects
 * followed (at most 20), TLS certificates checked, and the socket timeout
 * (60 s by default) as the longest silence allowed. The outcome is what
 * PHP reports: a body, or the reason after "Failed to open stream: ".
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";

export type FileOutcome =
  /** 2xx or 3xx without a redirect: the body, possibly empty */
  | { kind: "body"; body: string }
  /** what PHP's warning says after "Failed to open stream: " */
  | { kind: "error"; reason: string }
  /** the sandbox closed while this was in flight */
  | { kind: "aborted" };

export interface FileFetchOptions {
  /** the longest silence on the socket, connect included */
  timeoutMs: number;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 20;
/** PHP follows Location for these (and not 304). */
const REDIRECTS = new Set([300, 301, 302, 303, 307, 308]);
/** A body larger than this is cut (PHP would read on; the sandbox keeps its memory). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

interface Target {
  secure: boolean;
  host: string;
  port: number;
  hostHeader: string;
  path: string;
  auth?: string;
}

/** Splits a URL by hand: new URL() would re-encode the path and query, PHP sends them as written. */
function parseTarget(url: string): Target | undefined {
  const m = /^(https?):\/\/([^/?#]*)([^#]*)/i.exec(url);
  if (!m) return undefined;
  const secure = m[1]!.toLowerCase() === "https";
  let authority = m[2]!;
  let auth: string | undefined;
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    auth = decodeURIComponent(authority.slice(0, at));
    authority = authority.slice(at + 1);
  }
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hp) return undefined;
  const host = hp[1]!.replace(/^\[|\]$/g, "");
  const port = hp[2] ? Number(hp[2]) : secure ? 443 : 80;
  let path = m[3]!;
  if (path === "" || path.startsWith("?")) path = `/${path}`;
  // Node refuses raw spaces and non-ASCII in a request path; percent-encode just those bytes.
  path = path.replace(/[^\x21-\x7e]/gu, (c) =>
    [...Buffer.from(c, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
  const defaultPort = secure ? 443 : 80;
  return {
    secure,
    host,
    port,
    hostHeader: port === defaultPort ? authority.replace(/:\d*$/, "") : authority,
    path,
    ...(auth ? { auth } : {}),
  };
}

type Answer =
  | { kind: "response"; status: number; statusLine: string; location?: string; body: string }
  | { kind: "error"; reason: string }
  | { kind: "aborted" };

const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** PHP's wording for a failure before any answer came. */
function failureReason(err: NodeJS.ErrnoException, host: string, secure: boolean, stage: "connecting" | "handshake" | "waiting"): string {
  const code = err.code ?? "";
  if (code === "ECONNREFUSED") return "Connection refused";
  if (code === "ENOTFOUND") return `php_network_getaddresses: getaddrinfo for ${host} failed: Name or service not known`;
  if (code === "EAI_AGAIN") return `php_network_getaddresses: getaddrinfo for ${host} failed: Temporary failure in name resolution`;
  if (code === "EHOSTUNREACH") return "No route to host";
  if (code === "ENETUNREACH") return "Network is unreachable";
  if (TLS_CODE.test(code) || (secure && stage === "handshake")) return "operation failed";
  return "HTTP request failed!";
}

class FetchTimeout extends Error {}

function requestOnce(target: Target, opts: FileFetchOptions): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    let stage: "connecting" | "handshake" | "waiting" = "connecting";
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(answer);
    };
    const onAbort = () => {
      req.destroy();
      settle({ kind: "aborted" });
    };
    const options: https.RequestOptions = {
      host: target.host,
      port: target.port,
      path: target.path,
      method: "GET",
      headers: { Host: target.hostHeader, Connection: "close" },
      agent: false,
      ...(target.auth ? { auth: target.auth } : {}),
      ...(target.secure && !isIP(target.host) ? { servername: target.host } : {}),
    };
    const req = (target.secure ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      const statusLine = `HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ""}\r\n`;
      const location = typeof res.headers.location === "string" ? res.headers.location : undefined;
      if (status >= 400 || (REDIRECTS.has(status) && location !== undefined)) {
        // PHP reads no body here: the status line (or the Location) is all it keeps.
        res.on("error", () => {});
        settle({ kind: "response", status, statusLine, ...(location !== undefined ? { location } : {}), body: "" });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => settle({ kind: "response", status, statusLine, body: Buffer.concat(chunks).toString("utf8") });
      res.on("data", (chunk: Buffer) => {
        if (size >= MAX_BODY_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
        size += chunk.length;
      });
      res.on("end", done);
      // A cut or stalled body: file() returns what it had read.
      res.on("error", done);
      res.on("close", done);
    });
    req.on("socket", (socket) => {
      socket.once("connect", () => {
        stage = target.secure ? "handshake" : "waiting";
      });
      socket.once("secureConnect", () => {
        stage = "waiting";
      });
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(new FetchTimeout()));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err instanceof FetchTimeout) {
        settle({ kind: "error", reason: stage === "connecting" ? "Connection timed out" : "HTTP request failed!" });
      } else {
        settle({ kind: "error", reason: failureReason(err, target.host, target.secure, stage) });
      }
    });
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    req.end();
  });
}

/** Fetches `url` like PHP's file(), following redirects. */
export async function phpFile(url: string, opts: FileFetchOptions): Promise<FileOutcome> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    // Without http:// or https:// PHP opens a file on the web server, which the sandbox has not got.
    const target = parseTarget(current);
    if (!target) return { kind: "error", reason: "No such file or directory" };
    const answer = await requestOnce(target, opts);
    if (answer.kind !== "response") return answer;
    if (REDIRECTS.has(answer.status) && answer.location !== undefined) {
      if (redirects >= MAX_REDIRECTS) return { kind: "error", reason: "Redirection limit reached, aborting" };
      current = new URL(answer.location, current).href;
      continue;
    }
    if (answer.status >= 400) return { kind: "error", reason: `HTTP request failed! ${answer.statusLine}` };
    return { kind: "body", body: answer.body };
  }
}
