/**
 * The wire: undici with a keep-alive pool, a per-request timeout, a cap on
 * requests in flight, and transport failures turned into contract errors that
 * say whether the request may have reached VICIdial (a write whose outcome is
 * unknown must be reconciled, never resent).
 */
import type { Agent } from "undici";
import { Limiter } from "../shared/concurrency.js";
import { ToolError } from "../shared/errors.js";

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Admin pages are 55 to 70 KB; anything far larger is not VICIdial talking. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class TransportError extends ToolError {
  /** True when the request may have been applied (sent, but no full answer). */
  readonly outcomeUnknown: boolean;
  constructor(p: ConstructorParameters<typeof ToolError>[0] & { outcomeUnknown: boolean }) {
    super(p);
    this.outcomeUnknown = p.outcomeUnknown;
  }
}

/** The answer started but stopped short of its announced length. */
function cutOff(describe: string): TransportError {
  return new TransportError({
    code: "UNEXPECTED_RESPONSE",
    message: `VICIdial's answer to ${describe} was cut off before its end.`,
    cause: "The connection closed in the middle of the answer: the VICIdial web server, a proxy or the network dropped it.",
    fix: "Check that the VICIdial web server and any proxy in front of it are healthy, then call again.",
    retryable: true,
    outcomeUnknown: true,
  });
}

/**
 * undici is most of the server's code; it is loaded with the first request,
 * not at start, because desktop clients start this server on every launch and
 * list its tools long before (if ever) a tool talks to VICIdial.
 */
type Undici = typeof import("undici");
let undici: Promise<Undici> | null = null;
// Bundled, a CommonJS package's dynamic import yields its exports as `default`; unbundled, as names.
export const loadUndici = (): Promise<Undici> =>
  (undici ??= import("undici").then((m) => ("Agent" in m ? m : (m as unknown as { default: Undici }).default)));

export class HttpTransport {
  private agent: Agent | null = null;
  private readonly limiter: Limiter;

  constructor(
    private readonly timeoutMs: number,
    private readonly maxConcurrency: number,
  ) {
    this.limiter = new Limiter(maxConcurrency);
  }

  /**
   * Send once. `beforeSend` runs inside the concurrency slot, right before the
   * request leaves: a stop decided while the request waited in the queue
   * still stops it (it throws, and nothing is sent). `answered` runs inside
   * the slot too, with the answer or the failure, before the slot is freed:
   * what it decides (a failed login) is known to the next request to leave.
   */
  send(
    req: HttpRequest,
    opts: { describe: string; beforeSend?: () => void; answered?: (res: HttpResponse | null, err: unknown) => void },
  ): Promise<HttpResponse> {
    return this.limiter.run(async () => {
      opts.beforeSend?.();
      let res: HttpResponse;
      try {
        res = await this.sendNow(req, opts.describe);
      } catch (err) {
        opts.answered?.(null, err);
        throw err;
      }
      opts.answered?.(res, null);
      return res;
    });
  }

  private async sendNow(req: HttpRequest, describe: string): Promise<HttpResponse> {
    // Loaded before the clock starts: the first request's timeout is VICIdial's alone.
    const { Agent, request } = await loadUndici();
    this.agent ??= new Agent({
      connections: this.maxConcurrency,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    // Once the status line is in, VICIdial has the request: a break after it is a cut-off answer.
    let headersSeen = false;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        signal: controller.signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      headersSeen = true;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw new ToolError({
            code: "UNEXPECTED_RESPONSE",
            message: `VICIdial's answer to ${describe} was larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`,
            cause: "The address answered with far more than any VICIdial page holds: it is probably not VICIdial.",
            fix: "Check VICIDIAL_URL: it must be the web root of the VICIdial server (the folder that holds /vicidial/).",
          });
        }
        chunks.push(chunk as Buffer);
      }
      const ct = res.headers["content-type"];
      return {
        status: res.statusCode,
        contentType: Array.isArray(ct) ? (ct[0] ?? "") : (ct ?? ""),
        body: Buffer.concat(chunks).toString("utf8"),
      };
    } catch (err) {
      if (err instanceof ToolError) throw err;
      if (headersSeen && !controller.signal.aborted) throw cutOff(describe);
      throw this.classify(err, describe, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(err: unknown, describe: string, timedOut: boolean): TransportError {
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code ?? "";
    if (timedOut) {
      return new TransportError({
        code: "TIMEOUT",
        message: `VICIdial did not answer ${describe} within ${this.timeoutMs} ms.`,
        cause: "The VICIdial web server is slow, overloaded, or a firewall drops the connection silently.",
        fix: "Check that the VICIdial web server is up and reachable from this machine; raise VICIDIAL_TIMEOUT_MS if it is just slow.",
        retryable: true,
        outcomeUnknown: true,
      });
    }
    // Refused or unresolved: the request never left, so nothing was applied.
    const neverSent = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"].includes(code);
    const tls = /CERT|SSL|TLS/i.test(code) || /certificate/i.test(e.message ?? "");
    return new TransportError({
      code: "VICIDIAL_UNREACHABLE",
      message: `Could not complete ${describe}: ${tls ? "TLS certificate problem" : code || "connection failed"}.`,
      cause: tls
        ? "The VICIdial server's HTTPS certificate is not trusted by this machine (expired, self-signed or for another name)."
        : neverSent
          ? "The VICIdial server could not be reached: wrong address, server down, or a firewall in the way."
          : "The connection to VICIdial broke before a full answer arrived.",
      fix: tls
        ? "Install a valid certificate on the VICIdial web server, or point NODE_EXTRA_CA_CERTS at your CA's certificate."
        : "Check VICIDIAL_URL and that the VICIdial web server answers from this machine (try it in a browser), then call again.",
      retryable: !tls,
      outcomeUnknown: !neverSent,
    });
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}
