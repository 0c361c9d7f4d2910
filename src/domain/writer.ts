/**
 * The one writer every write uses (set_alt_url, enable/disable, delete,
 * copy, plan/apply, undo), for every entry type. Inside a session (the
 * entry's write lock, a fresh listing) it sends only ids it has just read,
 * sends only what changes, reads back and compares, settles a lost answer by
 * listing (never by resending), and audits intent and outcome. The store
 * below it (API or admin page) knows how each step travels.
 */

import { unsendableStatusChars } from "../client/apiStore.js";
import type { PlannedRequest } from "../client/connection.js";
import type { AltUrlStore, StoreWrite } from "../client/stores.js";
import type { TransportError } from "../client/transport.js";
import { invalidInput, ToolError } from "../common/errors.js";
import type { AltUrl, EntryRef, RowValues, UrlType } from "../common/model.js";
import { entryLabel, sameStatusSet, valuesOf } from "../common/model.js";
import type { AuditIntent, AuditLog } from "./audit.js";
import { assertLivePolicy, type UrlPolicy } from "./hostPolicy.js";
import { type Changes, databaseRefused, diff, isUnknownOutcome, notApplied, rowGone, stillUnknown, verifyStored } from "./outcomes.js";
import { removeRow } from "./removeRow.js";
import { newRowValues } from "./rowRules.js";

export type { Changes };

/** One lock per key, possibly shared across instances. */
export interface LockProvider {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export interface WriteOutcome {
  action: "created" | "updated" | "unchanged";
  /** The row as VICIdial stored it (dry run: as it is now, null for a new row). */
  alt_url: AltUrl | null;
  changes: Changes;
  requests: PlannedRequest[];
  /** True when the write's answer was lost and listing again showed it applied. */
  reconciled: boolean;
  warnings: string[];
  change_id: string | null;
}

export interface RemoveOutcome {
  alt_url: AltUrl;
  requests: PlannedRequest[];
  warnings: string[];
  change_id: string | null;
}

export interface Caller {
  tool: string;
  actor: string;
  /** For an undo: the change it reverts (recorded as `undoes`). */
  undoes?: string;
}

export interface WriterOptions {
  system: string;
  sandbox: boolean;
  /** A read-only system: every write is refused before its intent is recorded. */
  readOnly?: boolean;
  storeFor: (entry: EntryRef) => AltUrlStore;
  locks: LockProvider;
  audit: AuditLog;
  policy: UrlPolicy;
  /** Pauses before listing again when a timed-out write is not yet visible (it may land late). */
  relistDelaysMs?: number[];
}

/** READ_ONLY for a write to a system that is read-only (VICIDIAL_READ_ONLY, or read_only in the systems file). */
export function readOnlySystem(system: string, tool: string): ToolError {
  return new ToolError({
    code: "READ_ONLY",
    message: `System "${system}" is read-only: ${tool} cannot change it.`,
    cause: `This server is set to send no write to the VICIdial system "${system}" (and to request no other server for it); nothing was sent.`,
    fix: `Name a system that can write (list_systems shows each one's read_only), or ask whoever runs this server to set read_only: false for "${system}" in VICIDIAL_SYSTEMS_FILE (VICIDIAL_READ_ONLY=false without a systems file) and restart it.`,
  });
}

export class AltUrlWriter {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(readonly opts: WriterOptions) {}

  /** Run `work` holding the entry's write lock, on a fresh listing. */
  async session<T>(entry: EntryRef, urlType: UrlType, work: (s: EntrySession) => Promise<T>): Promise<T> {
    const key = `${this.opts.system}\u0000${entry.type}\u0000${entry.id.toUpperCase()}`;
    return this.opts.locks.run(key, async () => {
      const store = this.opts.storeFor(entry);
      const listing = await store.list(entry, urlType);
      return work(new EntrySession(this, store, entry, urlType, listing.rows, listing.warnings));
    });
  }

  /** Writes still running; a graceful stop waits for them (bounded) so each is recorded. */
  async drain(timeoutMs: number): Promise<number> {
    const pending = [...this.inFlight];
    if (pending.length === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(pending), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    return this.inFlight.size;
  }

  /** Track one write from its audit intent to its outcome. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  private intent(caller: Caller, entry: EntryRef, urlType: UrlType, action: string, row: AltUrl | null, after: unknown): AuditIntent {
    return {
      tool: caller.tool,
      actor: caller.actor,
      system: this.opts.system,
      campaign_id: entry.id,
      entry_type: entry.type,
      url_type: urlType,
      alt_url_id: row?.id ?? null,
      action,
      before: row,
      after,
      sandbox: this.opts.sandbox,
      ...(caller.undoes ? { undoes: caller.undoes } : {}),
    };
  }

  /**
   * Record a write's intent, run it, record its outcome under the same change
   * id. Used for every write, row or not (a campaign's switch to ALT).
   */
  async recorded<T extends { row?: AltUrl | null; unchanged?: boolean }>(
    opts: { caller: Caller; entry: EntryRef; urlType: UrlType; action: string; before: unknown; after: unknown },
    run: () => Promise<T>,
  ): Promise<{ value: T; changeId: string; warnings: string[] }> {
    if (this.opts.readOnly) throw readOnlySystem(this.opts.system, opts.caller.tool);
    const audit = this.opts.audit;
    const beforeRow = (opts.before as AltUrl | null) ?? null;
    const intent = this.intent(opts.caller, opts.entry, opts.urlType, opts.action, beforeRow, opts.after);
    intent.before = opts.before;
    const begun = await audit.begin(intent);
    const warnings = begun.warning ? [begun.warning] : [];
    try {
      const value = await run();
      const stored = value.row === undefined ? opts.after : value.row;
      const rowId = value.row?.id ?? (typeof beforeRow?.id === "number" ? beforeRow.id : null);
      // VICIdial found the row already as meant: the record shows this write changed nothing (and undo has nothing to put back).
      const record = { ...intent, alt_url_id: rowId, ...(value.unchanged ? { before: stored } : {}) };
      const w = await audit.finish(begun.changeId, record, { result: "OK", after: stored });
      if (w) warnings.push(w);
      return { value, changeId: begun.changeId, warnings };
    } catch (err) {
      const code = err instanceof ToolError ? err.code : "UNEXPECTED_RESPONSE";
      // A lost answer that listing could not settle leaves the outcome unknown: the log says so.
      const unknown = err instanceof ToolError && !err.retryable && (err.code === "TIMEOUT" || /could not be checked/.test(err.message));
      const w = await audit.finish(begun.changeId, intent, { result: unknown ? "UNKNOWN" : code, message: (err as Error).message });
      if (w && err instanceof ToolError) throw withAuditWarning(err, w);
      throw err;
    }
  }

  get relistDelays(): number[] {
    return this.opts.relistDelaysMs ?? [1000, 3000];
  }
}

export class EntrySession {
  constructor(
    readonly writer: AltUrlWriter,
    readonly store: AltUrlStore,
    readonly entry: EntryRef,
    readonly urlType: UrlType,
    /** The rows as last listed; every write keeps it current. */
    public rows: AltUrl[],
    readonly warnings: string[],
  ) {}

  find(id: number): AltUrl {
    const row = this.rows.find((r) => r.id === id);
    if (row) return row;
    const what = `${entryLabel(this.entry)} has no ${this.urlType} Alt URL with id ${id}`;
    throw new ToolError({
      code: "ALT_URL_NOT_FOUND",
      field: "id",
      message: `${what[0]!.toUpperCase()}${what.slice(1)}.`,
      cause: this.rows.length
        ? `Its ${this.urlType} Alt URLs have the ids ${this.rows.map((r) => r.id).join(", ")}; ids are unique across VICIdial, so ${id} belongs to another entry or type, or was deleted. Nothing was sent.`
        : `It has no ${this.urlType} Alt URLs at all. Nothing was sent.`,
      fix: `Call list_alt_urls for ${entryLabel(this.entry)} and use an id from its answer.`,
    });
  }

  /** The row a statuses-identified write means: the one with exactly these statuses, or none (create). */
  byStatuses(statuses: string[], field = "id"): AltUrl | null {
    const matches = this.rows.filter((r) => sameStatusSet(r.statuses, statuses));
    if (matches.length > 1) {
      const ids = matches.map((r) => r.id).join(", ");
      throw invalidInput(
        field,
        `${entryLabel(this.entry)} has ${matches.length} ${this.urlType} Alt URLs for statuses ${statuses.join(" ")} (ids ${ids}).`,
        `Say which one to change: call again with id set to one of ${ids}.`,
      );
    }
    return matches[0] ?? null;
  }

  /** Re-read the rows (after a write, or to settle a lost answer). */
  async relist(): Promise<AltUrl[]> {
    this.rows = (await this.store.list(this.entry, this.urlType)).rows;
    return this.rows;
  }

  /**
   * Create (target null) or update one row so it holds `desired`. Returns
   * what was done, or on a dry run what would be, sending nothing.
   */
  async put(opts: {
    target: AltUrl | null;
    desired: Partial<RowValues>;
    dryRun: boolean;
    caller: Caller;
    livePolicyField?: string;
  }): Promise<WriteOutcome> {
    const { target } = opts;
    if (target && this.store.way === "api") assertApiWritable(target);
    if (!target && (opts.desired.url === undefined || opts.desired.statuses === undefined)) {
      throw new Error("a new Alt URL needs url and statuses");
    }
    const full: RowValues = target ? { ...valuesOf(target), ...opts.desired } : newRowValues(opts.desired as RowValues, this.store.way);
    const changes = diff(target, target ? opts.desired : { ...opts.desired, active: full.active });
    const base = { requests: [] as PlannedRequest[], reconciled: false, warnings: [] as string[], change_id: null };
    if (target && Object.keys(changes).length === 0) return { ...base, action: "unchanged", alt_url: target, changes: {} };
    // A write that makes a URL fire (again) meets the URL policy, whatever it held before.
    if (full.active && (!target?.active || opts.desired.url !== undefined)) {
      assertLivePolicy(full.url, this.writer.opts.policy, opts.livePolicyField ?? "url");
    }
    const action = target ? "updated" : "created";
    if (opts.dryRun) {
      const requests = target
        ? this.store.planChange(this.entry, this.urlType, target, full)
        : this.store.planAdd(this.entry, this.urlType, full);
      return { ...base, action, alt_url: target, changes, requests };
    }
    const done = await this.writer.track(this.audited(opts.caller, action, target, full, () => this.send(target, full)));
    const after = done.value.row;
    if (done.value.unchanged) {
      // The admin page's "Problem modifying URL: 0" (facts §9.4): someone made the same change since the listing.
      const why = `VICIdial answered that the change left Alt URL ${after.id} as it was: it already held these values (someone made the same change after it was listed), so this call changed nothing`;
      return { ...base, action: "unchanged", alt_url: after, changes: {}, warnings: [why, ...done.warnings], change_id: done.changeId };
    }
    const shown = Object.fromEntries(Object.keys(changes).map((k) => [k, after[k as keyof AltUrl]])) as Partial<RowValues>;
    return {
      action,
      alt_url: after,
      changes: diff(target, shown),
      requests: [],
      reconciled: done.value.reconciled,
      warnings: done.warnings,
      change_id: done.changeId,
    };
  }

  private async send(target: AltUrl | null, full: RowValues): Promise<{ row: AltUrl; reconciled: boolean; unchanged?: boolean }> {
    const knownIds = new Set(this.rows.map((r) => r.id));
    const what = target ? `the change to Alt URL ${target.id}` : "the new Alt URL";
    let written: StoreWrite | null = null;
    let lost: TransportError | null = null;
    try {
      written = target
        ? await this.store.change(this.entry, this.urlType, target, full)
        : await this.store.add(this.entry, this.urlType, full, knownIds);
    } catch (err) {
      if (!isUnknownOutcome(err)) throw err;
      lost = err;
    }
    if (written?.kind === "done" || written?.kind === "unchanged") {
      const id = written.id;
      const stored = verifyStored(
        (await this.relist()).find((r) => r.id === id),
        full,
        id,
        this.entry,
      );
      return { row: stored, reconciled: false, unchanged: written.kind === "unchanged" };
    }
    // The answer was lost, unclear, or the page's database refused: decide from what is listed.
    const settle = async (): Promise<AltUrl | "absent" | "partial"> => {
      let rows: AltUrl[];
      try {
        rows = await this.relist();
      } catch {
        if (lost) throw stillUnknown(lost, what, this.entry);
        throw new ToolError({
          code: "VERIFY_FAILED",
          message: `Could not list ${entryLabel(this.entry)} to check ${what}.`,
          cause: "VICIdial did not answer the listing.",
          fix: "Call list_alt_urls to see the current rows.",
        });
      }
      if (target) {
        const now = rows.find((r) => r.id === target.id);
        if (!now)
          throw rowGone(target.id, this.entry, "Someone deleted the row at the same moment, or VICIdial applied the change elsewhere.");
        return Object.keys(diff(now, full)).length === 0 ? now : "absent";
      }
      const fresh = rows.filter((r) => !knownIds.has(r.id) && sameStatusSet(r.statuses, full.statuses));
      const exact = fresh.find((r) => Object.keys(diff(r, full)).length === 0);
      if (exact) return exact;
      return fresh.length === 1 ? "partial" : "absent";
    };
    let found = await settle();
    if (found === "absent" && lost?.code === "TIMEOUT") {
      // A timed-out request may still be running at VICIdial: look again before answering.
      for (const ms of this.writer.relistDelays) {
        await new Promise((r) => setTimeout(r, ms));
        found = await settle();
        if (found !== "absent") break;
      }
    }
    if (found === "partial") {
      // The page's NEW landed but its MODIFY for lists and min length did not: finish it, on the id just read.
      const knownNow = new Set(knownIds);
      const row = this.rows.find((r) => !knownNow.has(r.id) && sameStatusSet(r.statuses, full.statuses))!;
      const done = await this.store.change(this.entry, this.urlType, row, full);
      const id = done.kind === "done" || done.kind === "unchanged" ? done.id : row.id;
      return {
        row: verifyStored(
          (await this.relist()).find((r) => r.id === id),
          full,
          id,
          this.entry,
        ),
        reconciled: true,
      };
    }
    if (found !== "absent") return { row: found, reconciled: lost !== null };
    if (lost) throw notApplied(lost, what, this.entry, new Date());
    if (written?.kind === "refused") throw databaseRefused(what, this.entry);
    throw new ToolError({
      code: "VERIFY_FAILED",
      message: `VICIdial answered ${what} without saying which row it wrote, and listing ${entryLabel(this.entry)} again does not show it.`,
      cause: "Another change happened at the same moment, or VICIdial answered in an unknown way.",
      fix: "Call list_alt_urls to see the current rows before changing anything else.",
    });
  }

  /** Delete one row just read: switched off first when active, deleted, then listed again to prove it is gone. */
  async remove(opts: { row: AltUrl; dryRun: boolean; caller: Caller }): Promise<RemoveOutcome> {
    const { row } = opts;
    if (row.active && this.store.way === "api") assertApiWritable(row);
    if (opts.dryRun) return { alt_url: row, requests: this.store.planDelete(this.entry, this.urlType, row), warnings: [], change_id: null };
    const done = await this.writer.track(
      this.audited(opts.caller, "deleted", row, null, async () => ({ row: null, warnings: await removeRow(this, row) })),
    );
    return { alt_url: row, requests: [], warnings: [...done.value.warnings, ...done.warnings], change_id: done.changeId };
  }

  /** Record the intent, run the write, record its outcome (the row as stored after it). */
  private audited<T extends { row: AltUrl | null }>(
    caller: Caller,
    action: string,
    before: AltUrl | null,
    after: RowValues | null,
    run: () => Promise<T>,
  ): Promise<{ value: T; changeId: string; warnings: string[] }> {
    return this.writer.recorded({ caller, entry: this.entry, urlType: this.urlType, action, before, after }, run);
  }
}

/** An error whose audit line could not be written says so too. */
function withAuditWarning(err: ToolError, warning: string): ToolError {
  return new ToolError({
    code: err.code,
    field: err.field,
    message: `${err.message} ${warning}`,
    cause: err.reason,
    fix: err.fix,
    retryable: err.retryable,
    vicidialResponse: err.vicidialResponse,
  });
}

/** Rows whose statuses the API cannot send (e.g. "_" from the admin page) are not written through it. */
export function assertApiWritable(row: AltUrl): void {
  const bad = unsendableStatusChars(row.statuses);
  if (!bad.length) return;
  throw new ToolError({
    code: "INVALID_INPUT",
    field: "id",
    message: `Alt URL ${row.id} has statuses (${row.statuses.join(" ")}) holding ${bad.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send.`,
    cause:
      "Those statuses were written on VICIdial's admin pages. VICIdial's API strips these characters, so any change through it risks rewriting the row's statuses. Nothing was sent.",
    fix: "Edit this row in VICIdial Admin > Campaigns > (campaign) > Alt URLs, or create a new row with statuses of letters, digits and -.",
  });
}
