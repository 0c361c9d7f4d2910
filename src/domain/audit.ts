/**
 * The audit log: one JSON line per write (never for a dry run), success or
 * failure, with the row before and after. Secrets are redacted before a line
 * is written; appends are serialised so lines never interleave.
 */
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Redactor } from "../shared/redact.js";

export interface AuditEntry {
  tool: string;
  campaign_id: string;
  url_type?: string;
  action: string;
  id?: number | null;
  before?: unknown;
  after?: unknown;
  /** "OK" or the error code. */
  result: string;
  message?: string;
  sandbox: boolean;
}

export class AuditLog {
  private queue: Promise<void> = Promise.resolve();
  private dirReady: Promise<void> | null = null;

  constructor(
    readonly file: string | null,
    private readonly redactor: Redactor,
    private readonly onError: (msg: string) => void,
  ) {}

  get enabled(): boolean {
    return this.file !== null;
  }

  /** Null when the log can be appended to (creating it if needed), else why not. */
  async problem(): Promise<string | null> {
    if (this.file === null) return null;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, "", { encoding: "utf8", mode: 0o600 });
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  record(entry: AuditEntry): Promise<void> {
    const file = this.file;
    if (file === null) return Promise.resolve();
    const line = JSON.stringify(this.redactor.value({ time: new Date().toISOString(), ...entry })) + "\n";
    this.dirReady ??= mkdir(path.dirname(file), { recursive: true }).then(() => undefined);
    this.queue = this.queue
      .then(() => this.dirReady)
      .then(() => appendFile(file, line, { encoding: "utf8", mode: 0o600 }))
      .catch((err: Error) => this.onError(`could not write the audit log ${file}: ${err.message}`));
    return this.queue;
  }
}
