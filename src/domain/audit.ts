/**
 * The audit log: JSON Lines, one record per step of every write (never for a
 * dry run). A write first records its intent (`result: "PENDING"`) before
 * anything is sent, then its outcome under the same `change_id`, so even a
 * killed process leaves a line saying a write was attempted. Appends are
 * bounded in time: a log on a hanging file system delays a write by at most
 * `timeoutMs`, and every failed append is reported (a warning in the tool's
 * result and a line on stderr), never silently lost.
 */
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Redactor } from "../common/redact.js";

/** "PENDING" while a write is under way, "OK", "UNKNOWN" (outcome could not be established) or an error code. */
export type AuditResult = string;

export interface AuditRecord {
  change_id: string;
  time: string;
  tool: string;
  /** Who asked: "stdio", "token", an OAuth subject. */
  actor: string;
  system: string;
  campaign_id: string;
  entry_type: string;
  url_type: string | null;
  alt_url_id: number | null;
  action: string;
  before: unknown;
  after: unknown;
  result: AuditResult;
  message?: string;
  sandbox: boolean;
  /** For an undo: the change it reverts. */
  undoes?: string;
}

export type AuditIntent = Omit<AuditRecord, "change_id" | "time" | "result" | "after" | "message"> & { after?: unknown };

export interface AuditOptions {
  file: string | null;
  redactor: Redactor;
  /** Called with every append that failed, for stderr and MCP log messages. */
  onProblem: (message: string) => void;
  timeoutMs?: number;
}

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private dirReady: Promise<unknown> | null = null;
  /**
   * An append still running past its bound. While it hangs no other is
   * started: each would hold one of Node's four file-system threads, which
   * DNS lookups share, for as long as the file system hangs.
   */
  private stalled: Promise<unknown> | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly opts: AuditOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  get file(): string | null {
    return this.opts.file;
  }

  get enabled(): boolean {
    return this.opts.file !== null;
  }

  /** Null when the log can be appended to (creating it if needed), else why not. */
  async problem(): Promise<string | null> {
    const file = this.opts.file;
    if (file === null) return null;
    if (this.stalled) return `an earlier append has not finished after ${this.timeoutMs} ms (is the file system hanging?)`;
    const check = (async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, "", { encoding: "utf8", mode: 0o600 });
      return null;
    })().catch((err: Error) => err.message);
    return this.bounded(check, `did not answer within ${this.timeoutMs} ms`);
  }

  /** Record a write's intent before it is sent; returns its change id and a warning when the line could not be written. */
  async begin(intent: AuditIntent): Promise<{ changeId: string; warning: string | null }> {
    // The global Web Crypto, not node:crypto: that module costs the start of every stdio launch, and this runs only on a write.
    const changeId = globalThis.crypto.randomUUID();
    const warning = await this.append({ ...intent, change_id: changeId, after: intent.after ?? null, result: "PENDING" });
    return { changeId, warning };
  }

  /** Record a write's outcome under the change id `begin` gave. */
  finish(
    changeId: string,
    intent: AuditIntent,
    outcome: { result: AuditResult; after?: unknown; message?: string },
  ): Promise<string | null> {
    // A failed write's line never claims the state that was meant: it carries no `after`.
    const { after: _meant, ...rest } = intent;
    return this.append({
      ...rest,
      change_id: changeId,
      ...(outcome.after !== undefined ? { after: outcome.after } : {}),
      result: outcome.result,
      ...(outcome.message ? { message: outcome.message } : {}),
    } as Omit<AuditRecord, "time">);
  }

  /** Append one record; resolves with a warning for the caller's result when it failed or took too long. */
  private async append(record: Omit<AuditRecord, "time">): Promise<string | null> {
    const file = this.opts.file;
    if (file === null) return null;
    const line = JSON.stringify(this.opts.redactor.value({ time: new Date().toISOString(), ...record })) + "\n";
    const late = `did not finish within ${this.timeoutMs} ms (is the file system hanging?)`;
    let failure: string | null;
    if (this.stalled) {
      // Reported at once: the hung append has not come back, so this line is not even tried.
      failure = `an earlier append has not finished after ${this.timeoutMs} ms (is the file system hanging?)`;
    } else {
      this.dirReady ??= mkdir(path.dirname(file), { recursive: true });
      // Lines stay in order, but a hung append never holds up the next one past the bound.
      const previous = this.tail;
      const write = (async () => {
        await this.bounded(previous, null);
        await this.dirReady;
        await appendFile(file, line, { encoding: "utf8", mode: 0o600 });
        return null;
      })().catch((err: Error) => err.message);
      this.tail = write;
      const settled = { done: false };
      void write.finally(() => {
        settled.done = true;
        if (this.stalled === write) this.stalled = null;
      });
      failure = await this.bounded(write, late);
      if (failure === late && !settled.done) this.stalled = write;
    }
    if (failure === null) return null;
    const message = `could not write the audit log ${file}: ${failure}; this write (${record.tool} on ${record.entry_type} ${record.campaign_id}, change ${record.change_id}) is not recorded there`;
    this.opts.onProblem(message);
    return `The audit log could not be written: ${message}.`;
  }

  /** The promise's value, or `onTimeout` once `timeoutMs` has passed. */
  private bounded<T, U>(p: Promise<T>, onTimeout: U): Promise<T | U> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<U>((resolve) => {
      timer = setTimeout(() => resolve(onTimeout), this.timeoutMs);
      timer.unref();
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }
}
