/**
 * One Alt URL store per way into VICIdial, behind one interface: the API for
 * campaigns, the admin page for in-groups and lists. A store hides how its
 * way in lists, adds, changes and deletes a row (which fields each request
 * carries, how a new row's id is learnt); it does not verify, reconcile or
 * audit: the writer above it does that once for both.
 */
import type { ToolError } from "../common/errors.js";
import { type AltUrl, byRank, type EntryRef, type RowValues, toAltUrl, type UrlType } from "../common/model.js";
import type { PlannedRequest } from "./connection.js";

/** The way in a store uses; field rules differ between them (facts §6 and §9.2). */
export type Way = "api" | "admin";

export interface StoreListing {
  rows: AltUrl[];
  warnings: string[];
}

/** What VICIdial confirmed about a write. */
export type StoreWrite =
  /** Done; `id` is the row written (for an add, learnt from the answer or the listing that follows it). */
  | { kind: "done"; id: number }
  /** The admin page says the change left the row as it was ("Problem modifying URL: 0"). */
  | { kind: "unchanged"; id: number }
  /** An add whose answer gave no way to tell the new row (the writer lists to find it). */
  | { kind: "unidentified" }
  /** The page stopped after its header: the database refused the values; nothing was written. */
  | { kind: "refused" };

export type StoreDelete = { kind: "deleted" } | { kind: "refused"; error: ToolError } | { kind: "unclear" };

export interface AltUrlStore {
  readonly way: Way;
  list(entry: EntryRef, urlType: UrlType): Promise<StoreListing>;
  /** Create a row holding `values`; `knownIds` are the row ids listed just before. */
  add(entry: EntryRef, urlType: UrlType, values: RowValues, knownIds: ReadonlySet<number>): Promise<StoreWrite>;
  /** Make `row` (just read) hold `values`. */
  change(entry: EntryRef, urlType: UrlType, row: AltUrl, values: RowValues): Promise<StoreWrite>;
  /** Delete `row`, which must already be inactive. */
  deleteInactive(entry: EntryRef, urlType: UrlType, row: AltUrl): Promise<StoreDelete>;
  planAdd(entry: EntryRef, urlType: UrlType, values: RowValues): PlannedRequest[];
  planChange(entry: EntryRef, urlType: UrlType, row: AltUrl, values: RowValues): PlannedRequest[];
  planDelete(entry: EntryRef, urlType: UrlType, row: AltUrl): PlannedRequest[];
}

/** Rows in firing order: rank, then the order VICIdial gave them. */
export function listed(raw: Parameters<typeof toAltUrl>[0][], entry: EntryRef, urlType: UrlType): AltUrl[] {
  return raw.map((r) => toAltUrl(r, entry, urlType)).sort(byRank);
}
