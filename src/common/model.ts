/**
 * The Alt URL as every tool reports it (docs/contract.md, "An Alt URL in
 * results"), and the few rules every layer shares about it: which URL types
 * each entry type has, and when two rows mean "the same statuses".
 */
export const ENTRY_TYPES = ["campaign", "ingroup", "list"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export const URL_TYPES = ["dispo", "start", "noagent", "addlead"] as const;
export type UrlType = (typeof URL_TYPES)[number];

/** The URL types VICIdial has for each entry type (facts §9.3). */
export const URL_TYPES_BY_ENTRY: Record<EntryType, readonly UrlType[]> = {
  campaign: ["dispo", "start", "noagent"],
  ingroup: ["dispo", "start", "noagent", "addlead"],
  list: ["noagent"],
};

export const ALL_STATUSES = "---ALL---";

/** A campaign, in-group or list, by VICIdial's own id (its `campaign_id` column). */
export interface EntryRef {
  id: string;
  type: EntryType;
}

export interface AltUrl {
  id: number;
  campaign_id: string;
  url_type: UrlType;
  entry_type: EntryType;
  active: boolean;
  rank: number;
  statuses: string[];
  all_statuses: boolean;
  description: string;
  lists: string[];
  min_call_length: number;
  url: string;
}

/** Every editable value of a row, as the contract names them. */
export interface RowValues {
  url: string;
  statuses: string[];
  active: boolean;
  rank: number;
  description: string;
  lists: string[];
  min_call_length: number;
}

export const VALUE_KEYS = ["url", "statuses", "active", "rank", "description", "lists", "min_call_length"] as const;
export type ValueKey = (typeof VALUE_KEYS)[number];

/** One stored row, field by field as VICIdial printed it (API LIST or admin listing). */
export interface RawAltUrlRow {
  url_id: string;
  campaign_id: string;
  entry_type: string;
  active: string;
  url_type: string;
  url_rank: string;
  url_statuses: string;
  url_description: string;
  url_lists: string;
  url_call_length: string;
  url_address: string;
}

/** Statuses and lists as VICIdial stores them: separated by spaces; lenient when reading. */
export function splitTokens(value: string): string[] {
  return value.split(" ").filter((t) => t.length > 0);
}

/**
 * The one rule for "the same statuses": the same set of codes, whatever the
 * order and duplicates (VICIdial matches tokens). Rows are identified by it in
 * set_alt_url, copy_alt_urls and configuration documents alike.
 */
export function statusSetKey(statuses: readonly string[]): string {
  return [...new Set(statuses)].sort().join(" ");
}

export function sameStatusSet(a: readonly string[], b: readonly string[]): boolean {
  return statusSetKey(a) === statusSetKey(b);
}

/**
 * A stored row in the contract's shape. `canonicalId` replaces the id as
 * stored, which may differ in case (VICIdial compares ids without case, so
 * `alttest` rows show up under ALTTEST).
 */
export function toAltUrl(raw: RawAltUrlRow, entry: EntryRef, urlType: UrlType): AltUrl {
  const statuses = splitTokens(raw.url_statuses);
  return {
    id: Number(raw.url_id),
    campaign_id: entry.id,
    url_type: urlType,
    entry_type: entry.type,
    active: raw.active === "Y",
    rank: Number(raw.url_rank) || 0,
    statuses,
    all_statuses: statuses.includes(ALL_STATUSES),
    description: raw.url_description,
    lists: splitTokens(raw.url_lists),
    min_call_length: Number(raw.url_call_length) || 0,
    url: raw.url_address,
  };
}

export function valuesOf(row: AltUrl): RowValues {
  return {
    url: row.url,
    statuses: row.statuses,
    active: row.active,
    rank: row.rank,
    description: row.description,
    lists: row.lists,
    min_call_length: row.min_call_length,
  };
}

/** Rows fire in ascending rank; a stable sort keeps VICIdial's own order for ties. */
export function byRank(a: AltUrl, b: AltUrl): number {
  return a.rank - b.rank;
}

const ENTRY_WORD: Record<EntryType, string> = { campaign: "campaign", ingroup: "in-group", list: "list" };

/** "campaign 2001", "in-group TESTIN", "list 1001": how messages name an entry. */
export function entryLabel(entry: EntryRef): string {
  return `${ENTRY_WORD[entry.type]} ${entry.id}`;
}

/** The same, for the start of a sentence: "Campaign 2001", "In-group TESTIN". */
export function EntryLabel(entry: EntryRef): string {
  const l = entryLabel(entry);
  return l[0]!.toUpperCase() + l.slice(1);
}

export function entryWord(type: EntryType): string {
  return ENTRY_WORD[type];
}
