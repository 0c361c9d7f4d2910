/**
 * Plans and applies as a person reads them: in a chat, in a terminal, in a
 * pull request's CI log. One line per change, grouped by entry, with each
 * changed field's value before and after.
 */
import type { EntryType } from "../common/model.js";
import { entryLabel } from "../common/model.js";
import type { ApplyResult, Plan, RowChange } from "./configPlan.js";

const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(" ")}]` : JSON.stringify(v));

function label(e: { system: string; campaign_id: string; entry_type: string; url_type: string }, systems: number): string {
  const where = systems > 1 ? `${e.system}: ` : "";
  return `${where}${entryLabel({ id: e.campaign_id, type: e.entry_type as EntryType })} (${e.url_type})`;
}

function changeLine(c: RowChange): string[] {
  const st = `[${c.statuses.join(" ")}]`;
  if (c.action === "create") {
    const f = c.fields;
    const extras = [
      f.active?.after === false ? "inactive" : null,
      `rank ${show(f.rank?.after)}`,
      (f.lists?.after as string[] | undefined)?.length ? `lists ${show(f.lists?.after)}` : null,
      f.min_call_length?.after ? `min ${show(f.min_call_length.after)} s` : null,
    ].filter(Boolean);
    return [`  + create ${st} ${c.url} (${extras.join(", ")})`];
  }
  if (c.action === "delete") return [`  - delete Alt URL ${c.alt_url_id} ${st} ${c.url}`];
  if (c.action === "update") {
    return [
      `  ~ update Alt URL ${c.alt_url_id} ${st}:`,
      ...Object.entries(c.fields).map(([k, v]) => `      ${k}: ${show(v.before)} -> ${show(v.after)}`),
    ];
  }
  return [];
}

export function planHeadline(plan: Plan): string {
  const s = plan.summary;
  const failed = plan.entries.filter((e) => !e.ok).length;
  const counts = `${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged`;
  const state = failed ? `${failed} of ${plan.entries.length} entries could not be planned` : plan.in_sync ? "in sync" : "drift";
  return `Plan ${plan.plan_id} for ${plan.entries.length} entr${plan.entries.length === 1 ? "y" : "ies"}: ${counts} (${state}).`;
}

/** The whole plan, entry by entry; unchanged entries take one line. */
export function planText(plan: Plan): string {
  const systems = new Set(plan.entries.map((e) => e.system)).size;
  const lines = [planHeadline(plan)];
  for (const e of plan.entries) {
    const mine = plan.changes.filter(
      (c) => c.system === e.system && c.campaign_id === e.campaign_id && c.entry_type === e.entry_type && c.url_type === e.url_type,
    );
    const moving = mine.filter((c) => c.action !== "unchanged");
    const same = mine.length - moving.length;
    const left = e.unlisted ? `; ${e.unlisted} row${e.unlisted === 1 ? "" : "s"} not in the document left as they are (prune: false)` : "";
    if (e.error) {
      lines.push(`${label(e, systems)}: ERROR ${e.error.code}: ${e.error.message} Fix: ${e.error.fix}`);
      continue;
    }
    if (!moving.length) {
      lines.push(`${label(e, systems)}: in sync (${same} row${same === 1 ? "" : "s"}${left})`);
      continue;
    }
    lines.push(`${label(e, systems)}:`);
    for (const c of moving) lines.push(...changeLine(c));
    if (same || left) lines.push(`  = ${same} unchanged${left}`);
  }
  if (plan.warnings.length) lines.push("Warnings:", ...plan.warnings.map((w) => `- ${w}`));
  return lines.join("\n");
}

/** What an apply did (or, on a dry run, would do), entry by entry. */
export function applyText(r: ApplyResult): string {
  const systems = new Set(r.results.map((e) => e.system)).size;
  const s = r.summary;
  const verb = r.dry_run ? "Dry run: would apply" : "Applied";
  const lines = [
    `${verb} plan ${r.plan.plan_id} to ${r.results.length} entr${r.results.length === 1 ? "y" : "ies"}: ${s.created} created, ${s.updated} updated, ${s.deleted} deleted, ${s.unchanged} unchanged; ${r.results.length - s.failed_entries} succeeded, ${s.failed_entries} failed.`,
  ];
  for (const e of r.results) {
    const gone = e.rows.filter((x) => x.action === "deleted").map((x) => x.id);
    const counts = `${e.created} created, ${e.updated} updated, ${e.unchanged} unchanged, ${e.deleted} deleted${gone.length ? `: Alt URL ${gone.join(", ")}` : ""}`;
    if (e.ok) lines.push(`- ${label(e, systems)}: ok (${counts})`);
    else {
      const err = e.error;
      lines.push(`- ${label(e, systems)}: FAILED${err ? ` ${err.code}: ${err.message} Fix: ${err.fix}` : ""} (${counts})`);
    }
  }
  if (r.dry_run) lines.push("Dry run: nothing was sent.");
  if (r.warnings.length) lines.push("Warnings:", ...r.warnings.map((w) => `- ${w}`));
  return lines.join("\n");
}
