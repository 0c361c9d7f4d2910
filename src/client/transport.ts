/**
 * The wire: undici with a keep-alive pool, a per-request timeout, a cap on
 * requests in flight, and transport failures turned into contract errors that
 * say whether the request may have reached VICIdial (a write whose outcome is
 * unknown must be reconciled, never resent).
 */
import { EventEmitter } from "node:events";
import type { Agent, Dispatcher } from "undici";
import { Limiter } from "../common/concurrency.js";
import { ToolError } from "../common/errors.js";

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

/** What a streamed answer looks like once its status line and headers are in. */
export interface StreamHead {
  status: number;
  contentType: string;
  contentDisposition: string;
}

export interface StreamOptions {
  describe: string;
  beforeSend?: () => void;
  /**
   * Called once the head is in: a function to hand the body to, chunk by
   * chunk, as it arrives (nothing of it is kept here), or null to read the
   * body whole as `send` does (an error page, a short refusal).
   */
  accept: (head: StreamHead) => ((chunk: Buffer) => void) | null;
  /** The most a streamed body may hold; a buffered one keeps the usual limit. */
  maxBytes: number;
  /** As for `send`: the answer or the failure, inside the slot, before the slot is freed. */
  answered?: (res: StreamedResponse | null, err: unknown) => void;
}

/** A streamed exchange: `body` is empty when the body went to the consumer. */
export interface StreamedResponse extends HttpResponse {
  streamed: boolean;
  bytes: number;
}

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

/** The consumer of a streamed body threw: its own error, not a transport failure. */
class ConsumerFailed extends Error {
  constructor(readonly inner: unknown) {
    super("the consumer of a streamed body failed");
  }
}

function tooLarge(describe: string, limit: number): ToolError {
  return new ToolError({
    code: "UNEXPECTED_RESPONSE",
    message: `VICIdial's answer to ${describe} was larger than ${limit / 1024 / 1024} MB.`,
    cause: "The address answered with far more than this kind of VICIdial answer holds: it is probably not VICIdial.",
    fix: "Check VICIDIAL_URL: it must be the web root of the VICIdial server (the folder that holds /vicidial/).",
  });
}

/**
 * A request's timeout, as the EventEmitter signal undici accepts (it emits
 * "abort" once the time is up). Not an AbortController: each of Node's
 * AbortSignals outlives its request in the old generation (V8 tenures it
 * with its listener maps), so one per VICIdial request was a steady part of
 * the memory a long session keeps growing (see the memory figure in
 * bench/RESULTS.md).
 */
class Deadline extends EventEmitter {
  aborted = false;
  private readonly timer: NodeJS.Timeout;
  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.emit("abort");
    }, ms);
  }
  /** Start the time again (a streamed answer's silence limit). */
  restart(): void {
    this.timer.refresh();
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * A request as the agent's own `request` takes it. Not undici's top-level
 * `request(url, opts)`: that one spreads the options into a new object and
 * adds `origin` and `path` to it, and on Node 20 each such object gets hidden
 * classes of its own that V8 never reuses, about 1 KB of the old generation
 * per request until the next full collection (bench/RESULTS.md, memory).
 */
function dispatchOptions(req: HttpRequest, signal: Deadline): Dispatcher.RequestOptions {
  const url = new URL(req.url);
  return { origin: url.origin, path: `${url.pathname}${url.search}`, method: req.method, headers: req.headers, body: req.body, signal };
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
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

  /**
   * Send once and hand the body over piece by piece (a report of a whole day
   * can be 30 MB: it is never held whole). The timeout is a silence limit
   * here: it restarts with every chunk, so a long answer that keeps coming
   * is not cut, while one that stalls is.
   */
  stream(req: HttpRequest, opts: StreamOptions): Promise<StreamedResponse> {
    return this.limiter.run(async () => {
      opts.beforeSend?.();
      let res: StreamedResponse;
      try {
        res = await this.streamNow(req, opts);
      } catch (err) {
        opts.answered?.(null, err);
        throw err;
      }
      opts.answered?.(res, null);
      return res;
    });
  }

  private async streamNow(req: HttpRequest, opts: StreamOptions): Promise<StreamedResponse> {
    const { Agent } = await loadUndici();
    const agent = (this.agent ??= this.newAgent(Agent));
    const deadline = new Deadline(this.timeoutMs);
    let headersSeen = false;
    let streaming = false;
    try {
      const res = await agent.request(dispatchOptions(req, deadline));
      headersSeen = true;
      const head: StreamHead = {
        status: res.statusCode,
        contentType: headerText(res.headers["content-type"]),
        contentDisposition: headerText(res.headers["content-disposition"]),
      };
      const consume = opts.accept(head);
      streaming = consume !== null;
      const limit = consume ? opts.maxBytes : MAX_BODY_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      // Chunks as they come ('data' events): an async iterator would join buffered chunks into a copy first.
      await new Promise<void>((resolve, reject) => {
        const fail = (err: unknown) => {
          res.body.destroy();
          reject(err);
        };
        res.body.on("data", (buf: Buffer) => {
          deadline.restart();
          size += buf.length;
          if (size > limit) return fail(tooLarge(opts.describe, limit));
          if (!consume) return void chunks.push(buf);
          try {
            consume(buf);
          } catch (err) {
            fail(new ConsumerFailed(err));
          }
        });
        res.body.on("end", () => resolve());
        res.body.on("error", reject);
      });
      return {
        status: head.status,
        contentType: head.contentType,
        body: consume ? "" : Buffer.concat(chunks).toString("utf8"),
        streamed: streaming,
        bytes: size,
      };
    } catch (err) {
      if (err instanceof ConsumerFailed) throw err.inner;
      if (err instanceof ToolError) throw err;
      if (headersSeen && deadline.aborted && streaming) throw this.stalled(opts.describe);
      if (headersSeen && !deadline.aborted) throw cutOff(opts.describe);
      throw this.classify(err, opts.describe, deadline.aborted);
    } finally {
      deadline.clear();
    }
  }

  private newAgent(AgentClass: Undici["Agent"]): Agent {
    return new AgentClass({
      connections: this.maxConcurrency,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** A streamed answer that started and then went silent for the whole timeout. */
  private stalled(describe: string): TransportError {
    return new TransportError({
      code: "TIMEOUT",
      message: `VICIdial stopped sending ${describe} for ${this.timeoutMs} ms, before its end.`,
      cause: "The VICIdial web server or its database stalled in the middle of a long answer, or the network dropped it silently.",
      fix: "Call again; if it keeps happening, ask for fewer days at once, or raise VICIDIAL_TIMEOUT_MS.",
      retryable: true,
      outcomeUnknown: true,
    });
  }

  private async sendNow(req: HttpRequest, describe: string): Promise<HttpResponse> {
    // Loaded before the clock starts: the first request's timeout is VICIdial's alone.
    const { Agent } = await loadUndici();
    const agent = (this.agent ??= this.newAgent(Agent));
    const deadline = new Deadline(this.timeoutMs);
    // Once the status line is in, VICIdial has the request: a break after it is a cut-off answer.
    let headersSeen = false;
    try {
      const res = await agent.request(dispatchOptions(req, deadline));
      const chunks: Buffer[] = [];
      let size = 0;
      headersSeen = true;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw tooLarge(describe, MAX_BODY_BYTES);
        }
        chunks.push(chunk as Buffer);
      }
      return {
        status: res.statusCode,
        contentType: headerText(res.headers["content-type"]),
        body: Buffer.concat(chunks).toString("utf8"),
      };
    } catch (err) {
      if (err instanceof ToolError) throw err;
      if (headersSeen && !deadline.aborted) throw cutOff(describe);
      throw this.classify(err, describe, deadline.aborted);
    } finally {
      deadline.clear();
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
