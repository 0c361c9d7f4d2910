/**
 * The built server over raw stdio: JSON-RPC lines written to stdin by hand,
 * stdout read back line by line, so a test can send what no SDK client would
 * (an oversize message) and check every byte the server writes to stdout.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { DIST_ENTRY, ROOT } from "./harness.js";

export interface RpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
  params?: Record<string, unknown>;
}

export interface RawStdio {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far, as written. */
  lines(): string[];
  stderr(): string;
  /** Write raw text to stdin (a line break is not added). */
  write(text: string): Promise<void>;
  request(id: number | string, method: string, params?: Record<string, unknown>): Promise<RpcMessage>;
  /** Wait for the answer to an id sent some other way (e.g. with write). */
  answerTo(id: number | string | null): Promise<RpcMessage>;
  /** initialize + notifications/initialized. */
  initialize(): Promise<RpcMessage>;
  /** The exit code, or null when it did not exit within the time. */
  exited(timeoutMs: number): Promise<number | null>;
  kill(): void;
}

export function spawnRaw(opts: { env?: Record<string, string>; cwd?: string } = {}): RawStdio {
  const child = spawn(process.execPath, [DIST_ENTRY], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiting = new Map<string, (m: RpcMessage) => void>();
  const seen = new Map<string, RpcMessage>();
  let stderr = "";
  let pending = "";
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve((exitCode = code))));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", (d: Buffer) => {
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines.push(line);
      try {
        const msg = JSON.parse(line) as RpcMessage;
        if (msg.id !== undefined && msg.method === undefined) {
          const key = JSON.stringify(msg.id);
          seen.set(key, msg);
          waiting.get(key)?.(msg);
        }
      } catch {
        // Every line is judged by the test itself.
      }
    }
  });
  child.stdin.on("error", () => {}); // the server may exit while a test still writes
  const write = (text: string) => new Promise<void>((resolve) => child.stdin.write(text, () => resolve()));
  const answerTo = (id: number | string | null) => {
    const key = JSON.stringify(id);
    const already = seen.get(key);
    return already ? Promise.resolve(already) : new Promise<RpcMessage>((resolve) => waiting.set(key, resolve));
  };
  const request = (id: number | string, method: string, params: Record<string, unknown> = {}) => {
    const answered = answerTo(id);
    void write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    return answered;
  };
  return {
    child,
    lines: () => [...lines],
    stderr: () => stderr,
    write,
    request,
    answerTo,
    async initialize() {
      const init = await request("init", "initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw-stdio-test", version: "1.0.0" },
      });
      await write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
      return init;
    },
    exited: (timeoutMs) =>
      exitCode !== undefined
        ? Promise.resolve(exitCode)
        : Promise.race([exit, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref())]),
    kill: () => {
      if (exitCode === undefined) child.kill("SIGKILL");
    },
  };
}

/** Lines of stdout that are not a JSON-RPC 2.0 message. */
export function notJsonRpc(lines: string[]): string[] {
  return lines.filter((line) => {
    try {
      const m = JSON.parse(line) as RpcMessage;
      return m === null || typeof m !== "object" || m.jsonrpc !== "2.0";
    } catch {
      return true;
    }
  });
}
