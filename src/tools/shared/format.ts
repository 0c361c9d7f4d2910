/** The short human-readable text beside structuredContent. */
import { type AltUrl, entryLabel } from "../../common/model.js";

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function altUrlTable(rows: AltUrl[]): string {
  if (rows.length === 0) return "(no Alt URLs)";
  const head = "| id | active | rank | statuses | lists | min length | url |\n|---|---|---|---|---|---|---|";
  const body = rows.map(
    (r) =>
      `| ${r.id} | ${r.active ? "yes" : "no"} | ${r.rank} | ${cell(r.statuses.join(" ")) || "(none)"} | ${cell(r.lists.join(" ")) || "all"} | ${r.min_call_length} s | ${cell(r.url)} |`,
  );
  return [head, ...body].join("\n");
}

export function describeRow(r: AltUrl): string {
  return `Alt URL ${r.id} (${r.active ? "active" : "inactive"}, rank ${r.rank}, statuses ${r.statuses.join(" ") || "none"}) on ${entryLabel({ id: r.campaign_id, type: r.entry_type })}`;
}

export function formatChanges(changes: Record<string, { before: unknown; after: unknown }>): string {
  return Object.entries(changes)
    .map(([k, v]) => `${k}: ${JSON.stringify(v.before)} -> ${JSON.stringify(v.after)}`)
    .join("; ");
}

export function withWarnings(text: string, warnings: string[]): string {
  return warnings.length ? `${text}\nWarnings:\n${warnings.map((w) => `- ${w}`).join("\n")}` : text;
}
