/**
 * In-group and list Alt URLs through the admin page (facts §9). The page's
 * NEW never stores lists or minimum length and never prints the new id, so an
 * add is NEW, the new id taken from the listing that follows it (ids not
 * listed before, whose values are ours), then a MODIFY for lists and minimum
 * length when they are not the defaults. MODIFY always carries all seven
 * fields: one left out is emptied, or fails in strict SQL mode.
 */
import { ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, type RowValues, sameStatusSet, type UrlType } from "../common/model.js";
import type { AdminFields, AdminPage } from "./adminPage.js";
import { altModeOff, entryNotFound } from "./entryErrors.js";
import type { AdminAnswer } from "./parseAdmin.js";
import { type AltUrlStore, listed, type StoreDelete, type StoreListing, type StoreWrite } from "./stores.js";

function fields(v: RowValues): AdminFields {
  return {
    active: v.active ? "Y" : "N",
    url_rank: v.rank,
    url_statuses: v.statuses.join(" "),
    url_lists: v.lists.join(" "),
    url_call_length: v.min_call_length,
    url_description: v.description,
    url_address: v.url,
  };
}

/** A listing, or the error its answer means for this entry. */
function listingOf(answer: AdminAnswer, entry: EntryRef, urlType: UrlType) {
  if (answer.kind === "listing") return answer;
  if (answer.kind === "not_alt") throw answer.exists ? altModeOff(entry, urlType, answer.line) : entryNotFound(entry, answer.line);
  return null;
}

/** Whether a stored row holds the values NEW stores (rank, statuses, description, url, active). */
function holdsNewValues(row: AltUrl, v: RowValues): boolean {
  return (
    row.active === v.active &&
    row.rank === v.rank &&
    sameStatusSet(row.statuses, v.statuses) &&
    row.description === v.description &&
    row.url === v.url
  );
}

export class AdminStore implements AltUrlStore {
  readonly way = "admin" as const;

  constructor(private readonly admin: AdminPage) {}

  async list(entry: EntryRef, urlType: UrlType): Promise<StoreListing> {
    const answer = await this.admin.listing(entry, urlType);
    const listing = listingOf(answer, entry, urlType);
    if (!listing) {
      throw new ToolError({
        code: "UNEXPECTED_RESPONSE",
        message: `VICIdial's admin page showed no listing for ${entry.type} ${entry.id}.`,
        cause: "The page stopped after its header, which it does when its database fails.",
        fix: "Look at the VICIdial web server's PHP error log, then call again.",
        retryable: true,
      });
    }
    const warnings: string[] = [];
    if (listing.rows.length >= 1000) {
      warnings.push(
        `VICIdial's admin page lists at most 1000 ${urlType} Alt URLs and showed that many: ${entry.type} ${entry.id} may have more, which cannot be verified.`,
      );
    }
    return { rows: listed(listing.rows, entry, urlType), warnings };
  }

  async add(entry: EntryRef, urlType: UrlType, values: RowValues, knownIds: ReadonlySet<number>): Promise<StoreWrite> {
    const answer = await this.admin.add(entry, urlType, fields(values));
    if (answer.kind === "stopped") return { kind: "refused" };
    const listing = listingOf(answer, entry, urlType);
    if (listing?.notice !== "added") return { kind: "unidentified" };
    const rows = listed(listing.rows, entry, urlType);
    // Another writer may have added a row at the same moment: ours holds our values.
    const fresh = rows.filter((r) => !knownIds.has(r.id) && holdsNewValues(r, values));
    if (fresh.length !== 1) return { kind: "unidentified" };
    const id = fresh[0]!.id;
    if (values.lists.length > 0 || values.min_call_length !== 0) {
      const modified = await this.admin.modify(entry, urlType, id, fields(values));
      if (modified.kind === "stopped") return { kind: "refused" };
      listingOf(modified, entry, urlType);
    }
    return { kind: "done", id };
  }

  async change(entry: EntryRef, urlType: UrlType, row: AltUrl, values: RowValues): Promise<StoreWrite> {
    let answer: AdminAnswer;
    try {
      answer = await this.admin.modify(entry, urlType, row.id, fields(values));
    } catch (err) {
      if (err instanceof ToolError && err.vicidialResponse?.startsWith("ERROR: URL entry does not exist")) {
        throw new ToolError({
          code: "ALT_URL_NOT_FOUND",
          field: "id",
          message: `${entry.type} ${entry.id} has no ${urlType} Alt URL ${row.id} any more.`,
          cause: "Someone deleted the row, or it belongs to another entry or URL type.",
          fix: "Call list_alt_urls to see the current rows.",
          vicidialResponse: err.vicidialResponse,
        });
      }
      throw err;
    }
    if (answer.kind === "stopped") return { kind: "refused" };
    const listing = listingOf(answer, entry, urlType);
    if (listing?.notice === "unchanged") return { kind: "unchanged", id: row.id };
    return { kind: "done", id: row.id };
  }

  deleteInactive(entry: EntryRef, urlType: UrlType, row: AltUrl): Promise<StoreDelete> {
    return this.admin.deleteInactive(entry, urlType, row.id);
  }

  planAdd(entry: EntryRef, urlType: UrlType, values: RowValues) {
    const f = fields(values);
    const out = [this.admin.planNew(entry, urlType, f)];
    if (values.lists.length > 0 || values.min_call_length !== 0) out.push(this.admin.planModify(entry, urlType, "(new id)", f));
    return out;
  }

  planChange(entry: EntryRef, urlType: UrlType, row: AltUrl, values: RowValues) {
    return [this.admin.planModify(entry, urlType, row.id, fields(values))];
  }

  planDelete(entry: EntryRef, urlType: UrlType, row: AltUrl) {
    const off = row.active ? this.planChange(entry, urlType, row, { ...row, active: false }) : [];
    return [...off, this.admin.planDelete(entry, urlType, row.id)];
  }
}
