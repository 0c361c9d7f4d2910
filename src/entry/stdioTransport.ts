/**
 * The stdio transport: newline-delimited JSON-RPC on stdin and stdout, with
 * a size limit enforced before anything is parsed. The SDK's own transport
 * keeps every byte until a line ends and, past its 10 MB buffer, closes
 * itself without a word while the process runs on, deaf. Here:
 * - a message over MAX_MESSAGE_BYTES is never held (it is scanned for its id
 *   as it streams past and dropped), is answered with a JSON-RPC error with
 *   that id, is reported on stderr, and the session goes on;
 * - a line that is not JSON, or not a JSON-RPC message, is answered with the
 *   JSON-RPC error for it rather than ignored;
 * - the end of stdin (or a broken stdout) closes the transport, so the
 *   server shuts down instead of lingering.
 *
 * It may listen before the SDK's server is connected (listen()): an `early`
 * hook then answers what it can (stdio.ts: initialize and tools/list) and
 * every other message waits, in order, for start(), which loads the SDK's
 * message schema and hands them over.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { isJsonObject, type JsonObject } from "../common/json.js";
import { TopLevelIdScanner } from "./jsonRpcId.js";

/** Every message a client sends this server is small; 1 MiB, as over HTTP, is far more than any call needs. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const NEWLINE = 0x0a;

export interface StdioTransportOptions {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  maxMessageBytes?: number;
  /** Where refused messages are reported (the logger: stderr and the client's log). */
  warn?: (message: string) => void;
  /** Consulted for what arrives before start(). */
  early?: EarlyHandler;
}

export interface EarlyHandler {
  /** A JSON object that came before start(): what to do with it (see EarlyTake), or undefined to leave it to the server. */
  take(message: JsonObject): EarlyTake | undefined;
  /** Something came before start() that is left to the server, refused here (too large, not JSON), or the end of stdin. */
  other(): void;
}

/**
 * What the `early` hook does with a message that came before the server was
 * connected: `answer` is written as the reply to it; `forward` hands the
 * message to the server too once it is connected, whose own reply to it is
 * then dropped (the client has had one); `answered` runs once the answer is
 * written.
 */
export interface EarlyTake {
  answer?: Promise<unknown>;
  forward: boolean;
  answered?: () => void;
}

type MessageCheck = (value: unknown) => { success: true; data: JSONRPCMessage } | { success: false };

export class LimitedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly stdin: NodeJS.ReadableStream;
  private readonly stdout: NodeJS.WritableStream;
  private readonly max: number;
  private readonly warn: (message: string) => void;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while an oversize message streams past: its id is looked for, its bytes counted and dropped. */
  private oversize: { scanner: TopLevelIdScanner; bytes: number } | null = null;
  private readonly early?: EarlyHandler;
  private listening = false;
  private started = false;
  private closed = false;
  private closeReported = false;
  /** The SDK's JSON-RPC message schema, loaded by start(). */
  private check: MessageCheck | null = null;
  /** What arrived before start(), in order: raw values still to be checked, or messages made here. */
  private waiting: { value: unknown; checked: boolean }[] = [];
  /** Ids of requests answered early and forwarded: the server's reply to each is not sent again. */
  private readonly answeredEarly = new Set<string | number>();
  /** Early answers go out in the order their requests came. */
  private earlyWrites: Promise<void> = Promise.resolve();

  constructor(opts: StdioTransportOptions = {}) {
    this.stdin = opts.stdin ?? process.stdin;
    this.stdout = opts.stdout ?? process.stdout;
    this.max = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.warn = opts.warn ?? ((m) => process.stderr.write(`${m}\n`));
    this.early = opts.early;
  }

  /** Start reading stdin before the server is connected (start() does it otherwise). */
  listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("end", this.onEnd);
    this.stdin.on("close", this.onEnd);
    this.stdin.on("error", this.onStreamError);
    this.stdout.on("error", this.onStdoutError);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("LimitedStdioTransport already started");
    this.started = true;
    const { JSONRPCMessageSchema } = await import("@modelcontextprotocol/sdk/types.js");
    this.check = (value) => JSONRPCMessageSchema.safeParse(value);
    this.listen();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      if (this.closed) break;
      if (w.checked) this.onmessage?.(w.value as JSONRPCMessage);
      else this.checkAndDeliver(w.value);
    }
    // Closed before the server was connected (stdin ended): tell it now.
    if (this.closed) queueMicrotask(() => this.reportClose());
  }

  send(message: JSONRPCMessage): Promise<void> {
    if ("id" in message && message.id !== undefined && !("method" in message) && this.answeredEarly.delete(message.id))
      return Promise.resolve();
    return this.write(message);
  }

  /**
   * Take no new message (a graceful stop): stdin is no longer read, while
   * answers to calls already under way still go out on stdout.
   */
  stopReading(): void {
    this.stdin.off("data", this.onData);
    this.stdin.pause();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Ended before a server was connected: one is needed to hear it (and stop).
    if (!this.started) this.early?.other();
    this.stdin.off("data", this.onData);
    this.stdin.off("end", this.onEnd);
    this.stdin.off("close", this.onEnd);
    this.stdin.off("error", this.onStreamError);
    this.stdout.off("error", this.onStdoutError);
    this.stdin.pause();
    this.chunks = [];
    this.size = 0;
    this.oversize = null;
    this.reportClose();
  }

  /** onclose, once, as soon as there is a server to hear it (start() was called). */
  private reportClose(): void {
    if (this.closeReported || !this.started || !this.onclose) return;
    this.closeReported = true;
    this.onclose();
  }

  private write(message: unknown): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < bytes.length && !this.closed) {
      const newline = bytes.indexOf(NEWLINE, start);
      this.take(bytes.subarray(start, newline < 0 ? bytes.length : newline));
      if (newline < 0) return;
      this.endOfLine();
      start = newline + 1;
    }
  };

  private readonly onEnd = (): void => void this.close();

  private readonly onStreamError = (err: Error): void => this.onerror?.(err);

  /** Nobody can hear this server any more: stop. */
  private readonly onStdoutError = (err: Error): void => {
    this.onerror?.(err);
    void this.close();
  };

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.oversize) {
      this.oversize.scanner.feed(part);
      this.oversize.bytes += part.length;
      return;
    }
    if (this.size + part.length <= this.max) {
      this.chunks.push(part);
      this.size += part.length;
      return;
    }
    const scanner = new TopLevelIdScanner();
    for (const c of this.chunks) scanner.feed(c);
    scanner.feed(part);
    this.oversize = { scanner, bytes: this.size + part.length };
    this.chunks = [];
    this.size = 0;
  }

  private endOfLine(): void {
    const oversize = this.oversize;
    if (oversize) {
      this.oversize = null;
      return this.refuseOversize(oversize.scanner, oversize.bytes);
    }
    const line = Buffer.concat(this.chunks, this.size).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() !== "") this.deliver(line);
  }

  private refuseOversize(scanner: TopLevelIdScanner, bytes: number): void {
    if (!this.started) this.early?.other();
    const id = scanner.id();
    const limit = `${this.max} bytes (${(this.max / 1024 / 1024).toFixed(this.max % (1024 * 1024) === 0 ? 0 : 1)} MiB)`;
    this.warn(`stdio: refused a message of ${bytes} bytes (id ${JSON.stringify(id)}): over the limit of ${limit} per message.`);
    const error = {
      code: INVALID_REQUEST,
      message: `Message too large: ${bytes} bytes, over this server's limit of ${limit} per message. It was not read, and nothing was done; send smaller arguments.`,
      data: { limit_bytes: this.max, received_bytes: bytes },
    };
    // The client's answer to one of our requests (an elicitation, say): fail that request here, at once.
    if (scanner.kind() === "response") {
      if (id === null) return;
      const answer: JSONRPCMessage = { jsonrpc: "2.0", id, error };
      if (this.check) this.onmessage?.(answer);
      else this.waiting.push({ value: answer, checked: true });
      return;
    }
    void this.write({ jsonrpc: "2.0", id, error });
  }

  private deliver(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (!this.started) this.early?.other();
      this.warn(`stdio: a line of ${line.length} characters is not JSON (${(err as Error).message}).`);
      void this.write({ jsonrpc: "2.0", id: null, error: { code: PARSE_ERROR, message: "Parse error: the line is not JSON." } });
      return;
    }
    if (this.check) this.checkAndDeliver(value);
    else if (this.started) this.waiting.push({ value, checked: false });
    else this.beforeStart(value);
  }

  private beforeStart(value: unknown): void {
    const take = isJsonObject(value) ? this.early?.take(value) : undefined;
    if (!take) this.early?.other();
    if (take?.answer) {
      const { id } = value as { id: string | number };
      if (take.forward) this.answeredEarly.add(id);
      const answer = take.answer;
      this.earlyWrites = this.earlyWrites
        .then(() => answer)
        .then(
          (result) => this.write({ jsonrpc: "2.0", id, result }).then(() => take.answered?.()),
          // No early answer after all: the server answers it, as any other message.
          () => {
            this.answeredEarly.delete(id);
            if (!take.forward) this.handOver(value);
          },
        );
    }
    if (!take || take.forward) this.waiting.push({ value, checked: false });
  }

  private handOver(value: unknown): void {
    if (this.check) this.checkAndDeliver(value);
    else this.waiting.push({ value, checked: false });
  }

  private checkAndDeliver(value: unknown): void {
    const parsed = this.check!(value);
    if (parsed.success) {
      this.onmessage?.(parsed.data);
      return;
    }
    const raw = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    const id = typeof raw.id === "string" || typeof raw.id === "number" ? raw.id : null;
    this.warn(`stdio: a message (id ${JSON.stringify(id)}) is not a JSON-RPC 2.0 message.`);
    // A malformed notification, or a malformed answer to our own request, expects no reply.
    const isRequest = raw.method !== undefined;
    const isResponse = !isRequest && ("result" in raw || "error" in raw);
    if ((isRequest && id !== null) || (!isRequest && !isResponse)) {
      void this.write({ jsonrpc: "2.0", id, error: { code: INVALID_REQUEST, message: "Invalid Request: not a JSON-RPC 2.0 message." } });
    }
  }
}
