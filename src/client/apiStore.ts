/**
 * Campaign Alt URLs through the API (list, add, change) and the admin page
 * (delete, the API has none). A change sends only the fields that differ:
 * the API leaves the others as they are.
 */
import { ToolError } from "../common/errors.js";
import type { AltUrl, EntryRef, RowValues, UrlType } from "../common/model.js";
import type { AdminPage } from "./adminPage.js";
import type { AltUrlFields, VicidialApi } from "./api.js";
import { type AltUrlStore, listed, type StoreDelete, type StoreListing, type StoreWrite } from "./stores.js";

/** LIST prints at most this many rows (facts §3.1). */
const LIST_LIMIT = 1000;

/** Characters the API keeps in statuses (facts §6); a status holding others cannot be sent. */
const API_STATUS_CHAR = /^[A-Za-z0-9-]$/;

/** Characters of stored statuses the API cannot send (e.g. "_" written on the admin page). */
export function unsendableStatusChars(stored: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of stored) for (const ch of s) if (!API_STATUS_CHAR.test(ch)) out.add(ch);
  return [...out];
}

function allFields(v: RowValues): AltUrlFields {
  return {
    active: v.active ? "Y" : "N",
    url_rank: v.rank,
    url_statuses: v.statuses.join(" "),
    url_description: v.description,
    url_lists: v.lists.join(" "),
    url_call_length: v.min_call_length,
    url_address: v.url,
  };
}

/** A new row's fields: those that differ from what the table stores by default are sent. */
function newFields(v: RowValues): AltUrlFields {
  const f = allFields(v);
  if (v.description === "") delete f.url_description;
  if (v.lists.length === 0) delete f.url_lists;
  if (v.min_call_length === 0) delete f.url_call_length;
  return f;
}

/** Only the fields whose value differs from the row as read. */
function changedFields(row: AltUrl, v: RowValues): AltUrlFields {
  const want = allFields(v);
  const have = allFields(row);
  const out: AltUrlFields = {};
  for (const k of Object.keys(want) as (keyof AltUrlFields)[]) {
    if (String(want[k]) !== String(have[k])) (out as Record<string, unknown>)[k] = want[k];
  }
  // Statuses and lists mean the same in any order: send them only when the sets differ.
  if (
    out.url_statuses !== undefined &&
    new Set(row.statuses).size === new Set(v.statuses).size &&
    v.statuses.every((s) => row.statuses.includes(s))
  ) {
    delete out.url_statuses;
  }
  if (out.url_lists !== undefined && new Set(row.lists).size === new Set(v.lists).size && v.lists.every((s) => row.lists.includes(s))) {
    delete out.url_lists;
  }
  return out;
}

/** The row VICIdial answered about must be the row we sent (facts §3: the retargeting trap). */
export function assertSameRow(sentId: number, answeredId: number | null): void {
  if (answeredId === sentId) return;
  throw new ToolError({
    code: "VERIFY_FAILED",
    field: "id",
    message: `VICIdial applied the change to Alt URL ${answeredId ?? "(none)"} instead of ${sentId}.`,
    cause: "When an id is missing VICIdial silently retargets the change to another row of the campaign (or to none).",
    fix: "Call list_alt_urls to see what was changed, and correct that row with set_alt_url.",
  });
}

export class ApiStore implements AltUrlStore {
  readonly way = "api" as const;

  constructor(
    private readonly api: VicidialApi,
    private readonly admin: AdminPage,
  ) {}

  async list(entry: EntryRef, urlType: UrlType): Promise<StoreListing> {
    const { rows, repaired } = await this.api.listAltUrls(entry.id, urlType);
    const out = listed(rows, entry, urlType);
    const warnings: string[] = [];
    if (rows.length >= LIST_LIMIT) {
      warnings.push(
        `VICIdial lists at most ${LIST_LIMIT} ${urlType} Alt URLs of a campaign and returned that many: campaign ${entry.id} may have more, which its API cannot show, so changes to them cannot be verified. Delete unused rows.`,
      );
    }
    for (const id of repaired) {
      warnings.push(
        `Alt URL ${id} has a line break stored in its description (a VICIdial defect with backslashes in descriptions); VICIdial's list of it was pieced back together. Set a plain description on it.`,
      );
    }
    for (const r of out) {
      const bad = unsendableStatusChars(r.statuses);
      if (bad.length) {
        warnings.push(
          `Alt URL ${r.id} has statuses with ${bad.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send (they were set on the admin pages): this server will not write to that row. Edit it in VICIdial Admin > Campaigns > (campaign) > Alt URLs.`,
        );
      }
    }
    return { rows: out, warnings };
  }

  async add(entry: EntryRef, urlType: UrlType, values: RowValues): Promise<StoreWrite> {
    const out = await this.api.addAltUrl(entry.id, urlType, newFields(values));
    if (out.kind === "added") return { kind: "done", id: out.id };
    throw new ToolError({
      code: "UNEXPECTED_RESPONSE",
      message: "VICIdial did not confirm the new Alt URL.",
      cause: "It answered that there was nothing to add.",
      fix: "Call list_alt_urls to check, then call again.",
    });
  }

  async change(entry: EntryRef, urlType: UrlType, row: AltUrl, values: RowValues): Promise<StoreWrite> {
    const fields = changedFields(row, values);
    if (Object.keys(fields).length === 0) return { kind: "unchanged", id: row.id };
    const out = await this.api.updateAltUrl(entry.id, urlType, row.id, fields);
    if (out.kind === "updated") assertSameRow(row.id, out.id);
    return { kind: "done", id: row.id };
  }

  deleteInactive(entry: EntryRef, urlType: UrlType, row: AltUrl): Promise<StoreDelete> {
    return this.admin.deleteInactive(entry, urlType, row.id);
  }

  planAdd(entry: EntryRef, urlType: UrlType, values: RowValues) {
    return [this.api.planAltUrlWrite(entry.id, urlType, "NEW", newFields(values))];
  }

  planChange(entry: EntryRef, urlType: UrlType, row: AltUrl, values: RowValues) {
    const fields = changedFields(row, values);
    return Object.keys(fields).length ? [this.api.planAltUrlWrite(entry.id, urlType, String(row.id), fields)] : [];
  }

  planDelete(entry: EntryRef, urlType: UrlType, row: AltUrl) {
    const off = row.active ? this.planChange(entry, urlType, row, { ...row, active: false }) : [];
    return [...off, this.admin.planDelete(entry, urlType, row.id)];
  }
}
