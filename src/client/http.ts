/**
 * The wire: undici with a keep-alive pool, a per-request timeout, a cap on
 * requests in flight, and transport failures turned into contract errors that
 * say whether the request may have reached VICIdial (a write whose outcome is
 * unknown must be reconciled, never resent).
 */
import { Agent, request } from "undici";
import { ToolError } from "./errors.js";
import { Limiter } from "./limiter.js";

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

export class HttpTransport {
  private readonly agent: Agent;
  private readonly limiter: Limiter;

  constructor(
    private readonly timeoutMs: number,
    maxConcurrency: number,
  ) {
    this.agent = new Agent({
      connections: maxConcurrency,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.limiter = new Limiter(maxConcurrency);
  }

  send(req: HttpRequest, describe: string): Promise<HttpResponse> {
    return this.limiter.run(() => this.sendNow(req, describe));
  }

  private async sendNow(req: HttpRequest, describe: string): Promise<HttpResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
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
    await this.agent.close();
  }
}
