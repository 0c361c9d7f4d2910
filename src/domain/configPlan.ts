/**
 * Plan and apply a configuration document. A plan lists each named entry
 * once (one listing per entry; entries side by side, the connection caps the
 * requests in flight) and pairs the document's rows with the live ones by
 * status set, through the same reconciliation copy_alt_urls uses. Its
 * `plan_id` is a digest of the document and of the live rows it was made
 * from, so an apply given that id sends nothing when anything changed since.
 * An apply writes through the writer, one session per entry, and one failing
 * entry never stops the others. Entries the document does not name are never
 * read or written.
 */
import { createHash } from "node:crypto";
import type { PlannedRequest } from "../client/connection.js";
import { asToolError, ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, entryLabel, VALUE_KEYS, valuesOf } from "../common/model.js";
import { type ConfigDocument, type DocEntry, validateDocument } from "./configDoc.js";
import { planText } from "./configText.js";
import { parseDocumentText } from "./configYaml.js";
import type { Changes } from "./outcomes.js";
import { matchRows, pairAction, type RowOutcome, reconcileEntry, type WantedRow } from "./reconcile.js";
import type { Services } from "./runtime.js";
import type { VicidialSystem } from "./system.js";
import type { Caller } from "./writer.js";

export type PlanAction = "create" | "update" | "delete" | "unchanged";

export interface RowChange {
  system: string;
  campaign_id: string;
  entry_type: string;
  url_type: string;
  statuses: string[];
  action: PlanAction;
  alt_url_id: number | null;
  /** Each field's value before and after (all of them for a create or a delete). */
  fields: Changes;
  /** The row's URL (after the change; for a delete, the URL deleted). */
  url: string;
}

export interface EntrySummary {
  system: string;
  campaign_id: string;
  entry_type: string;
  url_type: string;
  prune: boolean;
  ok: boolean;
  /** Rows VICIdial has now (null when they could not be read). */
  live_rows: number | null;
  /** Live rows the document does not list and that stay as they are (prune is false). */
  unlisted: number;
  error: ReturnType<ToolError["toPayload"]> | null;
}

export interface Plan {
  plan_id: string;
  changes: RowChange[];
  summary: Record<PlanAction, number>;
  entries: EntrySummary[];
  /** True when nothing would change and every entry could be read. */
  in_sync: boolean;
  warnings: string[];
}

/** One entry's plan, with what an apply needs to act on it. */
interface EntryPlan {
  doc: DocEntry;
  sys: VicidialSystem | null;
  entry: EntryRef;
  live: AltUrl[] | null;
  changes: RowChange[];
  deletes: AltUrl[];
  unlisted: number;
  error: ToolError | null;
}

/** A document's text, parsed and checked whole against each named system's rules; sends nothing. */
export async function loadDocument(s: Services, text: string, o: { allowCredentialVariables: boolean }): Promise<ConfigDocument> {
  return validateDocument(await parseDocumentText(text), {
    policyFor: (name) => s.system(name).policy,
    allowCredentialVariables: o.allowCredentialVariables,
  });
}

function wanted(doc: DocEntry): WantedRow[] {
  return doc.rows.map((r) => ({ values: r.values, sourceId: null, skipReason: null }));
}

/** What the document means for one entry's live rows, sending nothing. */
function compare(doc: DocEntry, sys: VicidialSystem, entry: EntryRef, live: AltUrl[]): EntryPlan {
  const base = { system: sys.name, campaign_id: entry.id, entry_type: entry.type, url_type: doc.url_type };
  const { pairs, unmatched } = matchRows(wanted(doc), live);
  const changes: RowChange[] = [];
  let error: ToolError | null = null;
  for (const p of pairs) {
    const { action, changes: fields } = pairAction(p, sys.storeFor(entry).way);
    if (action === "ambiguous") {
      const ids = p.ambiguous!.map((t) => t.id).join(", ");
      error ??= new ToolError({
        code: "INVALID_INPUT",
        field: `${doc.path}.alt_urls`,
        message: `${entryLabel(entry)} has ${p.ambiguous!.length} ${doc.url_type} Alt URLs for statuses ${p.wanted.values.statuses.join(" ")} (ids ${ids}), so it is unclear which one the document means.`,
        cause:
          "Rows are identified by their status set, and VICIdial holds more than one row with this set. Nothing is sent to these rows.",
        fix: `Delete the extra rows with delete_alt_url (ids ${ids}), or give them different statuses with set_alt_url and their id, then plan again.`,
      });
      continue;
    }
    if (action === "skipped") continue;
    changes.push({
      ...base,
      statuses: p.wanted.values.statuses,
      action,
      alt_url_id: p.target?.id ?? null,
      fields: action === "unchanged" ? {} : fields,
      url: p.wanted.values.url,
    });
  }
  const deletes = doc.prune ? unmatched : [];
  for (const row of deletes) {
    const fields: Changes = {};
    for (const k of VALUE_KEYS) fields[k] = { before: row[k], after: null };
    changes.push({ ...base, statuses: row.statuses, action: "delete", alt_url_id: row.id, fields, url: row.url });
  }
  return { doc, sys, entry, live, changes, deletes, unlisted: doc.prune ? 0 : unmatched.length, error };
}

async function planEntry(s: Services, doc: DocEntry, warnings: string[]): Promise<EntryPlan> {
  const asGiven: EntryRef = { id: doc.campaign_id, type: doc.entry_type };
  let sys: VicidialSystem | null = null;
  try {
    sys = s.system(doc.system);
    const resolved = await sys.entries.resolve({
      id: doc.campaign_id,
      type: doc.entry_type,
      urlType: doc.url_type,
      field: `${doc.path}.campaign_id`,
    });
    warnings.push(...resolved.warnings.map((w) => `${doc.path}: ${w}`));
    const listing = await sys.storeFor(resolved.entry).list(resolved.entry, doc.url_type);
    warnings.push(...listing.warnings.map((w) => `${entryLabel(resolved.entry)}: ${w}`));
    return compare(doc, sys, resolved.entry, listing.rows);
  } catch (err) {
    return { doc, sys, entry: asGiven, live: null, changes: [], deletes: [], unlisted: 0, error: asToolError(err) };
  }
}

/** The digest of what a plan was made from: the document as understood and every entry's live rows. */
function digest(plans: EntryPlan[]): string {
  const rowKey = (r: AltUrl) => ({ id: r.id, ...valuesOf(r) });
  const material = plans.map((p) => ({
    system: p.sys?.name ?? p.doc.system ?? null,
    entry: [p.doc.entry_type, p.doc.campaign_id.toUpperCase(), p.doc.url_type, p.doc.prune],
    want: p.doc.rows.map((r) => r.values),
    live: p.live ? [...p.live].sort((a, b) => a.id - b.id).map(rowKey) : { error: p.error?.code ?? null },
  }));
  return createHash("sha256").update(JSON.stringify(material)).digest("hex").slice(0, 32);
}

function summarise(plans: EntryPlan[], warnings: string[]): Plan {
  const changes = plans.flatMap((p) => p.changes);
  const summary: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const c of changes) summary[c.action]++;
  const entries = plans.map(
    (p): EntrySummary => ({
      system: p.sys?.name ?? p.doc.system ?? "default",
      campaign_id: p.entry.id,
      entry_type: p.entry.type,
      url_type: p.doc.url_type,
      prune: p.doc.prune,
      ok: p.error === null,
      live_rows: p.live?.length ?? null,
      unlisted: p.unlisted,
      error: p.error?.toPayload() ?? null,
    }),
  );
  const inSync = summary.create + summary.update + summary.delete === 0 && plans.every((p) => p.error === null);
  return { plan_id: digest(plans), changes, summary, entries, in_sync: inSync, warnings };
}

async function planAll(s: Services, doc: ConfigDocument): Promise<{ plan: Plan; plans: EntryPlan[] }> {
  const warnings = [...doc.warnings];
  const plans = await Promise.all(doc.entries.map((e) => planEntry(s, e, warnings)));
  const plan = summarise(plans, warnings);
  // Nothing could be planned (VICIdial unreachable, a wrong password, ...): the call fails, with each entry's error.
  const first = plans[0]?.error;
  if (first && plans.every((p) => p.error)) {
    throw new ToolError({
      code: first.code,
      field: first.field,
      message: plans.length > 1 ? `None of the ${plans.length} entries could be read. The first: ${first.message}` : first.message,
      cause: first.reason,
      fix: first.fix,
      retryable: first.retryable,
      vicidialResponse: first.vicidialResponse,
      details: { structured: { ...plan }, text: planText(plan) },
    });
  }
  return { plan, plans };
}

/** What applying the document would change, sending nothing but one listing per entry. */
export async function planDocument(s: Services, doc: ConfigDocument): Promise<Plan> {
  return (await planAll(s, doc)).plan;
}

function planStale(old: string, plan: Plan, what: string): ToolError {
  return new ToolError({
    code: "PLAN_STALE",
    message: `${what} changed since plan ${old} was made, so it was not applied: nothing was sent.`,
    cause:
      "Someone or something changed Alt URLs of the entries this document names after the plan was reviewed (or the document itself differs from the one planned). Applying now could do things nobody reviewed.",
    fix: `Review the new plan (plan_id ${plan.plan_id}, shown here), then apply again with that plan_id; or apply without plan_id to make VICIdial match the document whatever it holds now.`,
    details: { structured: { ...plan }, text: planText(plan) },
  });
}

export interface EntryResult {
  system: string;
  campaign_id: string;
  entry_type: string;
  url_type: string;
  ok: boolean;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rows: (Omit<RowOutcome, "error" | "source_id"> & { error: ReturnType<ToolError["toPayload"]> | null })[];
  error: ReturnType<ToolError["toPayload"]> | null;
}

export interface ApplyResult {
  plan: Plan;
  dry_run: boolean;
  ok: boolean;
  results: EntryResult[];
  summary: { created: number; updated: number; unchanged: number; deleted: number; failed_entries: number };
  requests: PlannedRequest[];
  warnings: string[];
}

export interface ApplyOptions {
  /** Apply only if the live rows are still those this plan was made from. */
  planId?: string;
  dryRun: boolean;
  caller: Caller;
  /** Ask the person before deleting (throws DECLINED when refused). */
  confirm(message: string): Promise<unknown>;
  progress(done: number, total: number, message: string): Promise<void>;
}

function entryResult(p: EntryPlan, rows: RowOutcome[], error: ToolError | null): EntryResult {
  const count = (a: RowOutcome["action"]) => rows.filter((r) => r.action === a).length;
  const shown = rows.map(({ source_id: _s, ...r }) => ({ ...r, error: r.error?.toPayload() ?? null }));
  const firstRowError = shown.find((r) => r.error)?.error ?? null;
  return {
    system: p.sys?.name ?? p.doc.system ?? "default",
    campaign_id: p.entry.id,
    entry_type: p.entry.type,
    url_type: p.doc.url_type,
    ok: error === null && firstRowError === null,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    deleted: count("deleted"),
    rows: shown,
    error: error?.toPayload() ?? firstRowError,
  };
}

const sameRows = (a: AltUrl[], b: AltUrl[]) =>
  JSON.stringify([...a].sort((x, y) => x.id - y.id)) === JSON.stringify([...b].sort((x, y) => x.id - y.id));

/**
 * Make VICIdial match the document: plan, check the plan id, ask before
 * deleting, then each entry in its own write session.
 */
export async function applyDocument(s: Services, doc: ConfigDocument, opts: ApplyOptions): Promise<ApplyResult> {
  const { plan, plans } = await planAll(s, doc);
  if (opts.planId !== undefined && opts.planId !== plan.plan_id) throw planStale(opts.planId, plan, "The live Alt URLs (or the document)");
  const warnings = [...plan.warnings];
  const deletions = plans.filter((p) => p.deletes.length > 0);
  if (deletions.length && !opts.dryRun) {
    const lines = deletions.flatMap((p) => [
      `${entryLabel(p.entry)} (${p.doc.url_type}):`,
      ...p.deletes.map((r) => `- Alt URL ${r.id} (${r.active ? "active" : "inactive"}, statuses ${r.statuses.join(" ")}): ${r.url}`),
    ]);
    await opts.confirm(
      `Apply the document (${plan.summary.create} to create, ${plan.summary.update} to update). prune: true DELETES these rows, which the document does not list (this cannot be undone in VICIdial; undo_change can re-create them):\n${lines.join("\n")}`,
    );
  }
  const requests: PlannedRequest[] = [];
  let done = 0;
  const results = await Promise.all(
    plans.map(async (p): Promise<EntryResult> => {
      let result: EntryResult;
      if (p.error || !p.sys || !p.live) result = entryResult(p, [], p.error);
      else {
        const live = p.live;
        try {
          const rows = await p.sys.writer.session(p.entry, p.doc.url_type, async (session) => {
            if (opts.planId !== undefined && !sameRows(session.rows, live)) {
              throw planStale(opts.planId, plan, `${entryLabel(p.entry)}'s ${p.doc.url_type} Alt URLs`);
            }
            return reconcileEntry(session, wanted(p.doc), {
              dryRun: opts.dryRun,
              caller: opts.caller,
              prune: p.doc.prune,
              approvedDeletes: new Set(p.deletes.map((r) => r.id)),
              onRequests: (r) => requests.push(...r),
              onWarnings: (w) => warnings.push(...w),
            });
          });
          result = entryResult(p, rows, null);
        } catch (err) {
          const e = asToolError(err);
          // The stale check of one entry carries no plan of its own: the whole answer has it.
          result = entryResult(p, [], e.code === "PLAN_STALE" ? new ToolError({ ...payloadArgs(e) }) : e);
        }
      }
      await opts.progress(
        ++done,
        plans.length,
        `${entryLabel(p.entry)} ${p.doc.url_type}: ${result.ok ? "done" : `failed (${result.error?.code})`}`,
      );
      return result;
    }),
  );
  const sum = (k: "created" | "updated" | "unchanged" | "deleted") => results.reduce((n, r) => n + r[k], 0);
  return {
    plan,
    dry_run: opts.dryRun,
    ok: results.every((r) => r.ok),
    results,
    summary: {
      created: sum("created"),
      updated: sum("updated"),
      unchanged: sum("unchanged"),
      deleted: sum("deleted"),
      failed_entries: results.filter((r) => !r.ok).length,
    },
    requests,
    warnings,
  };
}

function payloadArgs(e: ToolError) {
  return { code: e.code, message: e.message, cause: e.reason, fix: e.fix, retryable: e.retryable, field: e.field };
}
