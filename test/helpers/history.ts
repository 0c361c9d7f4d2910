/** A recorded change to undo, for tests that need one in the audit log before they start. */
import { appendFileSync } from "node:fs";

export const SEEDED_CHANGE_ID = "5eed0000-0000-4000-8000-000000000003";

/** The default seed's row 3 (campaign 2001, CALLBK, inactive), as list_alt_urls shows it. */
export const ROW_3 = {
  id: 3,
  campaign_id: "2001",
  url_type: "dispo",
  entry_type: "campaign",
  active: false,
  rank: 3,
  statuses: ["CALLBK"],
  all_statuses: false,
  description: "Callback scheduler - paused",
  lists: [],
  min_call_length: 0,
  url: "https://calendar.example.com/callback?lead=--A--lead_id--B--&when=--A--callback_datetime--B--&agent=--A--user--B--",
};

/** Append a finished change that moved row 3 from rank 7 to rank 3: on the default seed, undoing it sets rank 7. */
export function seedChangeLog(file: string): string {
  const base = {
    change_id: SEEDED_CHANGE_ID,
    tool: "set_alt_url",
    actor: "stdio",
    system: "default",
    campaign_id: "2001",
    entry_type: "campaign",
    url_type: "dispo",
    alt_url_id: 3,
    action: "updated",
    before: { ...ROW_3, rank: 7 },
    sandbox: true,
  };
  const time = new Date(Date.now() - 60_000).toISOString();
  appendFileSync(
    file,
    `${JSON.stringify({ time, ...base, after: ROW_3, result: "PENDING" })}\n${JSON.stringify({ time, ...base, after: ROW_3, result: "OK" })}\n`,
  );
  return SEEDED_CHANGE_ID;
}

/** A small valid document: campaign 2001's rows as seeded, plus one new row. */
export const SAMPLE_DOCUMENT = [
  "version: 1",
  "entries:",
  '  - campaign_id: "2001"',
  "    alt_urls:",
  "      - statuses: [NI]",
  "        url: https://crm.example.com/ni?lead=--A--lead_id--B--",
  "        description: Not interested",
].join("\n");
