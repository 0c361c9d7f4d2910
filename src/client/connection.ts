/**
 * One connection to one VICIdial: the transport (keep-alive pool, timeout,
 * concurrency cap), the login gate, and the rules for what leaves and what
 * comes back. Every request of the API, the admin page and the report page
 * goes through `authenticated` (or `anonymous` for `version`), so the login
 * stop and the secret masking hold for all of them.
 */
import { ToolError } from "../common/errors.js";
import { maskLoginEcho } from "../common/redact.js";
import { LoginGate as Gate, type LoginGate, type LoginVerdict } from "./loginGate.js";
import {
  type HttpRequest,
  type HttpResponse,
  HttpTransport,
  type StreamedResponse,
  type StreamHead,
  type StreamOptions,
  TransportError,
} from "./transport.js";

export const API_PATH = "/vicidial/non_agent_api.php";
export const ADMIN_PATH = "/vicidial/admin_url_multi.php";
export const REPORT_PATH = "/vicidial/AST_url_log_report.php";

export interface ConnectionOptions {
  baseUrl: string;
  user: string;
  pass: string;
  source: string;
  timeoutMs: number;
  maxConcurrency: number;
  /** Pause before retrying a read that never reached VICIdial; tests shorten it. */
  retryDelayMs?: number;
  /** Shared by several connections to one VICIdial user (e.g. across instances); default a fresh one. */
  gate?: LoginGate;
  /** The wire; tests give their own (without `stream`, a streamed read is sent whole and handed over at once). */
  transport?: Wire;
  /**
   * For a web root known only on first use (an embedded sandbox started by
   * the first request that needs it): resolves with the real web root, which
   * then replaces `baseUrl` (a placeholder until then) in every request.
   */
  start?: () => Promise<string>;
}

type Wire = Pick<HttpTransport, "send" | "close"> & Partial<Pick<HttpTransport, "stream">>;

/** What one answer means: a value or an error, and what it says about the login. */
export type Judged<T> = { value: T; login: "good" | "neutral" } | { error: ToolError; login: "good" | "failed" | "neutral" };

/** A request as a dry run shows it: the password masked. */
export interface PlannedRequest {
  method: "GET";
  endpoint: string;
  params: Record<string, string>;
  url: string;
}

const PASSWORD_PARAMS = new Set(["pass"]);

export class VicidialConnection {
  readonly gate: LoginGate;
  private readonly transport: Wire;
  private base: string;
  private starting: Promise<string> | null = null;

  constructor(private readonly opts: ConnectionOptions) {
    this.gate = opts.gate ?? new Gate();
    this.transport = opts.transport ?? new HttpTransport(opts.timeoutMs, opts.maxConcurrency);
    this.base = opts.baseUrl;
  }

  /** The web root (for a web root started on first use: its placeholder until then). */
  get baseUrl(): string {
    return this.base;
  }

  /** The request with the real web root, starting it first when it is started on first use. */
  private async ready(request: HttpRequest): Promise<HttpRequest> {
    const start = this.opts.start;
    if (!start) return request;
    // A start that failed is tried again by the next request.
    this.starting ??= start().then(
      (url) => (this.base = url),
      (err: unknown) => {
        this.starting = null;
        throw new ToolError({
          code: "VICIDIAL_UNREACHABLE",
          message: `The embedded sandbox could not be started: ${(err as Error)?.message ?? String(err)}`,
          cause: "The sandbox this system uses is started by its first request, and starting it failed; nothing was sent.",
          fix: "Check the server's log on stderr, then call again.",
          retryable: true,
        });
      },
    );
    const base = await this.starting;
    const placeholder = this.opts.baseUrl;
    return request.url.startsWith(placeholder) && !request.url.startsWith(base)
      ? { ...request, url: base + request.url.slice(placeholder.length) }
      : request;
  }

  get user(): string {
    return this.opts.user;
  }

  /** The fields every API request starts with. */
  apiParams(fn: string, extra: [string, string][]): [string, string][] {
    return [["source", this.opts.source], ["user", this.opts.user], ["pass", this.opts.pass], ["function", fn], ...extra];
  }

  apiRequest(params: [string, string][]): HttpRequest {
    return { method: "GET", url: `${this.base}${API_PATH}?${new URLSearchParams(params).toString()}` };
  }

  /** A page behind HTTP Basic auth (the admin page, the report). */
  pageRequest(path: string, params: [string, string][]): HttpRequest {
    const basic = Buffer.from(`${this.opts.user}:${this.opts.pass}`).toString("base64");
    return {
      method: "GET",
      url: `${this.base}${path}?${new URLSearchParams(params).toString()}`,
      headers: { authorization: `Basic ${basic}` },
    };
  }

  /** What a dry run reports: the exact request, the password masked. */
  plan(path: string, params: [string, string][]): PlannedRequest {
    const shown = params.map(([k, v]): [string, string] => [k, PASSWORD_PARAMS.has(k) ? "***" : v]);
    return {
      method: "GET",
      endpoint: path,
      params: Object.fromEntries(shown),
      url: `${this.base}${path}?${new URLSearchParams(shown).toString()}`,
    };
  }

  /**
   * One authenticated request through the login gate. `judge` turns the
   * answer into a value or an error and says whether it proves the login
   * good or failed. Reads that never reached VICIdial are retried, only after
   * a good login; nothing that may have been a failed login is ever retried.
   */
  async authenticated<T>(opts: {
    request: HttpRequest;
    describe: string;
    read: boolean;
    judge: (res: HttpResponse) => Judged<T>;
  }): Promise<T> {
    const request = await this.ready(opts.request);
    return this.withRetry(opts.read, () =>
      this.gate.run<T>(async (leaving, verdict) => {
        let judged: Judged<T> | null = null;
        let res: HttpResponse;
        try {
          res = await this.transport.send(request, {
            describe: opts.describe,
            beforeSend: leaving,
            // Judged while the request still holds its slot: the next one to leave sees a failed login.
            answered: (r, err) => {
              if (r === null) return verdict(lostVerdict(err), err);
              judged = opts.judge(masked(r));
              verdict(judged.login, "error" in judged ? judged.error : null);
            },
          });
        } catch (err) {
          return { error: err, verdict: lostVerdict(err) };
        }
        const j: Judged<T> = judged ?? opts.judge(masked(res));
        if ("value" in j) return { value: j.value, verdict: j.login };
        return { error: j.error, verdict: j.login };
      }),
    );
  }

  /**
   * One authenticated request whose body may be streamed: `accept` sees the
   * head and returns where the body's chunks go (a fresh consumer for each
   * attempt), or null to read it whole for `judge`. A body is streamed only
   * once the page has passed its login, so an answer cut off after that
   * still proves the login good (it never counts as a lost login).
   */
  async authenticatedStream<T>(opts: {
    request: HttpRequest;
    describe: string;
    maxBytes: number;
    accept: StreamOptions["accept"];
    judge: (res: StreamedResponse) => Judged<T>;
  }): Promise<T> {
    const request = await this.ready(opts.request);
    return this.withRetry(true, () =>
      this.gate.run<T>(async (leaving, verdict) => {
        let accepted = false;
        const accept = (head: StreamHead) => {
          const consume = opts.accept(head);
          accepted = consume !== null;
          return consume;
        };
        const judge = (r: StreamedResponse) => opts.judge(r.streamed ? r : { ...r, body: maskLoginEcho(r.body) });
        let judged: Judged<T> | null = null;
        let res: StreamedResponse;
        try {
          res = await this.sendStreamed(request, {
            describe: opts.describe,
            beforeSend: leaving,
            accept,
            maxBytes: opts.maxBytes,
            // Judged while the request still holds its slot, as in `authenticated`.
            answered: (r, err) => {
              if (r === null) return verdict(accepted ? "good" : lostVerdict(err), err);
              judged = judge(r);
              verdict(judged.login, "error" in judged ? judged.error : null);
            },
          });
        } catch (err) {
          return { error: err, verdict: accepted ? "good" : lostVerdict(err) };
        }
        const j: Judged<T> = judged ?? judge(res);
        if ("value" in j) return { value: j.value, verdict: j.login };
        return { error: j.error, verdict: j.login };
      }),
    );
  }

  private async sendStreamed(req: HttpRequest, opts: StreamOptions): Promise<StreamedResponse> {
    if (this.transport.stream) return this.transport.stream(req, opts);
    const res = await this.transport.send(req, { describe: opts.describe, beforeSend: opts.beforeSend });
    const bytes = Buffer.byteLength(res.body);
    const consume = opts.accept({ status: res.status, contentType: res.contentType, contentDisposition: "" });
    if (!consume) return { ...res, streamed: false, bytes };
    consume(Buffer.from(res.body));
    return { ...res, body: "", streamed: true, bytes };
  }

  /** A request that needs no login (`version`): retried freely, it can cost no failed login. */
  async anonymous<T>(opts: { request: HttpRequest; describe: string; parse: (res: HttpResponse) => T }): Promise<T> {
    const request = await this.ready(opts.request);
    return this.withRetry(true, async () => opts.parse(masked(await this.transport.send(request, { describe: opts.describe }))));
  }

  private async withRetry<T>(read: boolean, attempt: () => Promise<T>): Promise<T> {
    const delay = this.opts.retryDelayMs ?? 250;
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!read || i >= 2 || !retryable(err) || this.gate.current !== "good") throw err;
        await new Promise((r) => setTimeout(r, delay * 3 ** i));
      }
    }
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/**
 * A read may be tried again only when trying cannot cost a failed login: it
 * never reached VICIdial (refused, unresolved), or a whole answer came back
 * that is not VICIdial's (an error page, garbage, an empty HTTP 500). An
 * answer lost on the way may itself have been a failed login: never retried.
 */
function retryable(err: unknown): boolean {
  if (err instanceof TransportError) return !err.outcomeUnknown && err.retryable;
  if (!(err instanceof ToolError) || !err.retryable) return false;
  return err.code === "UNEXPECTED_RESPONSE" || (err.code === "VICIDIAL_ERROR" && err.vicidialResponse === null);
}

/** A request that may have reached VICIdial but whose answer was lost may have been a failed login. */
function lostVerdict(err: unknown): LoginVerdict {
  if (err instanceof TransportError) return err.outcomeUnknown ? "lost" : "neutral";
  // The gate refused to send (stopped or in doubt): nothing left, nothing learnt.
  return "neutral";
}

/** VICIdial prints the password back in a failed login's answer: mask it before anything reads the body. */
function masked(res: HttpResponse): HttpResponse {
  const body = maskLoginEcho(res.body);
  return body === res.body ? res : { ...res, body };
}
