/** The Alt URL as every tool reports it (docs/contract.md, "An Alt URL in results"). */
export const URL_TYPES = ["dispo", "start", "noagent"] as const;
export type UrlType = (typeof URL_TYPES)[number];

export const ALL_STATUSES = "---ALL---";

export interface AltUrl {
  id: number;
  campaign_id: string;
  url_type: UrlType;
  entry_type: "campaign";
  active: boolean;
  rank: number;
  statuses: string[];
  all_statuses: boolean;
  description: string;
  lists: string[];
  min_call_length: number;
  url: string;
}

/** One LIST line of update_alt_url, field by field, as VICIdial printed it. */
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

/** Statuses as VICIdial stores them: single spaces; be lenient when reading. */
export function splitTokens(value: string): string[] {
  return value.split(" ").filter((t) => t.length > 0);
}

/**
 * Turn a LIST row into the contract's shape. `canonicalCampaignId` replaces
 * the id as stored, which may differ in case (facts §6: `alttest` rows show
 * up under ALTTEST).
 */
export function toAltUrl(raw: RawAltUrlRow, canonicalCampaignId: string, urlType: UrlType): AltUrl {
  const statuses = splitTokens(raw.url_statuses);
  return {
    id: Number(raw.url_id),
    campaign_id: canonicalCampaignId,
    url_type: urlType,
    entry_type: "campaign",
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

/** Rows fire in ascending rank; VICIdial lists by id, so ties keep id order. */
export function byRank(a: AltUrl, b: AltUrl): number {
  return a.rank - b.rank || a.id - b.id;
}
