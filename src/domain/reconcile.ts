/**
 * Making one entry's rows of one URL type match a wanted set, the one
 * reconciliation behind copy_alt_urls and apply_alt_urls: wanted rows are
 * paired with live rows of the same status set (the rule set_alt_url uses),
 * each pair is created, updated or left alone, and with `prune` the live rows
 * no wanted row claims are deleted. Every step goes through the writer.
 */
import type { PlannedRequest } from "../client/connection.js";
import { asToolError, ToolError } from "../common/errors.js";
import { type AltUrl, entryLabel, type RowValues, statusSetKey } from "../common/model.js";
import { type Changes, diff } from "./outcomes.js";
import { newRowValues } from "./rowRules.js";
import type { Caller, EntrySession } from "./writer.js";

export interface WantedRow {
  values: Partial<RowValues> & Pick<RowValues, "url" | "statuses">;
  /** Where it comes from (a source Alt URL's id for a copy). */
  sourceId: number | null;
  /** Set when the row cannot be written here; it is then reported as skipped. */
  skipReason: string | null;
}

export interface RowPair {
  wanted: WantedRow;
  target: AltUrl | null;
  /** Live rows sharing the status set when there are more of them than wanted rows: unclear which to update. */
  ambiguous: AltUrl[] | null;
}

export interface RowMatch {
  pairs: RowPair[];
  /** Live rows no wanted row claims (deleted with prune). */
  unmatched: AltUrl[];
}

export type RowAction = "created" | "updated" | "unchanged" | "deleted" | "skipped" | "error";

export interface RowOutcome {
  action: RowAction;
  id: number | null;
  source_id: number | null;
  statuses: string[];
  changes: Changes;
  detail: string | null;
  error: ToolError | null;
  /** The audit log's id of the write (null when nothing was sent). */
  change_id: string | null;
}

/** Pair wanted rows with live rows of the same status set, in the order given. */
export function matchRows(wanted: WantedRow[], live: AltUrl[]): RowMatch {
  const byKey = new Map<string, AltUrl[]>();
  for (const r of live) byKey.set(statusSetKey(r.statuses), [...(byKey.get(statusSetKey(r.statuses)) ?? []), r]);
  const groups = new Map<string, WantedRow[]>();
  for (const w of wanted) groups.set(statusSetKey(w.values.statuses), [...(groups.get(statusSetKey(w.values.statuses)) ?? []), w]);
  const claimed = new Set<number>();
  const pairs: RowPair[] = [];
  for (const [key, ws] of groups) {
    const targets = byKey.get(key) ?? [];
    for (const t of targets) claimed.add(t.id);
    const ambiguous = targets.length > ws.length ? targets : null;
    ws.forEach((w, i) => {
      pairs.push({ wanted: w, target: ambiguous ? null : (targets[i] ?? null), ambiguous });
    });
  }
  return { pairs, unmatched: live.filter((r) => !claimed.has(r.id)) };
}

/** What a pair would do, without sending anything: for plans. */
export function pairAction(
  p: RowPair,
  way: EntrySession["store"]["way"],
): { action: "create" | "update" | "unchanged" | "ambiguous" | "skipped"; changes: Changes } {
  if (p.wanted.skipReason) return { action: "skipped", changes: {} };
  if (p.ambiguous) return { action: "ambiguous", changes: {} };
  if (!p.target) return { action: "create", changes: diff(null, newRowValues(p.wanted.values, way)) };
  const changes = diff(p.target, p.wanted.values);
  return { action: Object.keys(changes).length ? "update" : "unchanged", changes };
}

function outcome(
  action: RowAction,
  id: number | null,
  w: WantedRow | null,
  statuses: string[],
  extra: Partial<RowOutcome> = {},
): RowOutcome {
  return { action, id, source_id: w?.sourceId ?? null, statuses, changes: {}, detail: null, error: null, change_id: null, ...extra };
}

export interface ExecuteOptions {
  dryRun: boolean;
  caller: Caller;
  /** Delete live rows no wanted row claims. */
  prune: boolean;
  /** When set, only these row ids may be deleted (those the person confirmed). */
  approvedDeletes: ReadonlySet<number> | null;
  onRequests?: (r: PlannedRequest[]) => void;
  onWarnings?: (w: string[]) => void;
}

/**
 * Make the session's entry match `wanted`, row by row. A row-specific problem
 * (a value VICIdial would change, an ambiguous match) leaves the other rows
 * worth trying; any other failure stops this entry, so nothing repeats it.
 */
export async function reconcileEntry(session: EntrySession, wanted: WantedRow[], opts: ExecuteOptions): Promise<RowOutcome[]> {
  const { pairs, unmatched } = matchRows(wanted, session.rows);
  const out: RowOutcome[] = [];
  let stop: ToolError | null = null;
  const label = entryLabel(session.entry);
  for (const p of pairs) {
    const st = p.wanted.values.statuses;
    if (stop) out.push(outcome("skipped", p.target?.id ?? null, p.wanted, st, { detail: `not attempted after ${stop.code} on ${label}` }));
    else if (p.ambiguous) {
      const ids = p.ambiguous.map((t) => t.id).join(", ");
      out.push(
        outcome("error", null, p.wanted, st, {
          error: new ToolError({
            code: "INVALID_INPUT",
            field: "statuses",
            message: `${label} has ${p.ambiguous.length} Alt URLs for statuses ${st.join(" ")} (ids ${ids}), more than wanted, so it is unclear which to update.`,
            cause: "Rows are identified by their status set. Nothing was written to these rows.",
            fix: `Remove the extra rows on ${label} with delete_alt_url (or update one with set_alt_url and its id), then run again.`,
          }),
        }),
      );
    } else if (p.wanted.skipReason) out.push(outcome("skipped", p.target?.id ?? null, p.wanted, st, { detail: p.wanted.skipReason }));
    else {
      try {
        const res = await session.put({ target: p.target, desired: p.wanted.values, dryRun: opts.dryRun, caller: opts.caller });
        opts.onRequests?.(res.requests);
        opts.onWarnings?.(res.warnings);
        if (res.reconciled)
          opts.onWarnings?.([`${label}: VICIdial's answer to a write was lost; listing again showed it had been applied.`]);
        const id = opts.dryRun && res.action === "created" ? null : (res.alt_url?.id ?? null);
        out.push(outcome(res.action, id, p.wanted, st, { changes: res.changes, change_id: res.change_id }));
      } catch (err) {
        const e = asToolError(err);
        out.push(outcome("error", p.target?.id ?? null, p.wanted, st, { error: e }));
        if (e.code !== "INVALID_INPUT" && e.code !== "VERIFY_FAILED") stop = e;
      }
    }
  }
  if (!opts.prune) return out;
  for (const row of unmatched) {
    if (stop) out.push(outcome("skipped", row.id, null, row.statuses, { detail: `not deleted: stopped after ${stop.code} on ${label}` }));
    else if (opts.approvedDeletes && !opts.approvedDeletes.has(row.id)) {
      out.push(
        outcome("skipped", row.id, null, row.statuses, { detail: "not deleted: it appeared after the person confirmed the deletions" }),
      );
      opts.onWarnings?.([`${label}: Alt URL ${row.id} has no wanted match but appeared after the confirmation, so it was not deleted.`]);
    } else {
      try {
        const res = await session.remove({ row, dryRun: opts.dryRun, caller: opts.caller });
        opts.onRequests?.(res.requests);
        opts.onWarnings?.(res.warnings);
        out.push(
          outcome("deleted", row.id, null, row.statuses, {
            detail: `${opts.dryRun ? "would delete" : "deleted"} ${row.url}`,
            change_id: res.change_id,
          }),
        );
      } catch (err) {
        const e = asToolError(err);
        out.push(outcome("error", row.id, null, row.statuses, { error: e, detail: "delete failed" }));
        if (e.code !== "VERIFY_FAILED" && e.code !== "ALT_URL_NOT_FOUND") stop = e;
      }
    }
  }
  return out;
}
