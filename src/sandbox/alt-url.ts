/**
 * non_agent_api.php function=update_alt_url, check by check in
 * VICIdial's order, including its traps: the silent retargeting of unknown
 * ids, LIST before the ALT check, and the unescaped url_description.
 */
import { type ApiCall, loggedApiText, phpFatal, type RequestContext, type SandboxResponse } from "./response.js";
import { mysqlStringLiteral, apiSanitize as S, SqlRefused, strictSmallint } from "./sanitize.js";
import { ciEqual, mysqlNumber } from "./state.js";
import type { SandboxAltUrl } from "./types.js";

const FN = "update_alt_url";
const BLANK = "--BLANK--";

/** url types each entry type accepts (check 8). */
const URL_TYPES: Record<string, string[]> = {
  campaign: ["dispo", "start", "noagent"],
  ingroup: ["dispo", "start", "noagent", "addlead"],
  list: ["noagent"],
};
const ENTRY_LABEL: Record<string, string> = { campaign: "CAMPAIGNS", ingroup: "INGROUPS", list: "LISTS" };

export const LIST_FIELDS = [
  "url_id",
  "campaign_id",
  "entry_type",
  "active",
  "url_type",
  "url_rank",
  "url_statuses",
  "url_description",
  "url_lists",
  "url_call_length",
  "url_address",
] as const;

/** The separator for stage=csv|tab|pipe (exact, lower case); anything else is the pipe. */
export function stageDelimiter(stage: string): string {
  if (stage === "csv") return ",";
  if (stage === "tab") return "\t";
  return "|";
}

interface Edits {
  active: string;
  url_address: string;
  url_rank: string;
  url_call_length: string;
  url_statuses: string;
  url_description: string;
  url_lists: string;
}

function readEdits(ctx: RequestContext): Edits {
  const p = ctx.params;
  return {
    active: S.active(p.raw("active")),
    url_address: S.urlAddress(p.raw("url_address")),
    url_rank: S.digits(p.raw("url_rank")),
    url_call_length: S.digits(p.raw("url_call_length")),
    url_statuses: S.urlStatuses(p.raw("url_statuses")),
    url_description: S.urlDescription(p.raw("url_description")),
    url_lists: S.urlLists(p.raw("url_lists")),
  };
}

/** Check 12: the first invalid optional field, as VICIdial words it. */
function fieldError(e: Edits): [string, string] | undefined {
  if (e.active !== "" && e.active !== "Y" && e.active !== "N") return ["ACTIVE MUST BE Y OR N", e.active];
  if (e.url_address !== "" && (e.url_address.length < 5 || e.url_address.length > 65000))
    return ["URL ADDRESS IS NOT VALID", e.url_address];
  if (e.url_rank.length > 5) return ["URL RANK IS NOT VALID", e.url_rank];
  if (e.url_call_length.length > 5) return ["URL CAL LENGTH IS NOT VALID", e.url_call_length];
  if (e.url_statuses.length > 1000) return ["URL STATUSES IS NOT VALID", e.url_statuses];
  if (e.url_description.length > 255) return ["URL DESCRIPTION IS NOT VALID", e.url_description];
  if (e.url_lists.length > 1000) return ["URL LISTS IS NOT VALID", e.url_lists];
  return undefined;
}

/** The row values a write stores; an empty field means "not sent". Throws SqlRefused. */
function storedValues(e: Edits): Partial<SandboxAltUrl> {
  const out: Partial<SandboxAltUrl> = {};
  const text = (v: string) => (v === BLANK ? "" : v);
  if (e.active !== "") out.active = e.active as "Y" | "N";
  if (e.url_address !== "") out.url_address = text(e.url_address);
  if (e.url_rank !== "") out.url_rank = strictSmallint(e.url_rank);
  if (e.url_call_length !== "") out.url_call_length = strictSmallint(e.url_call_length);
  if (e.url_statuses !== "") out.url_statuses = e.url_statuses;
  // Pasted into the SQL text as is: MySQL interprets its backslashes.
  if (e.url_description !== "") out.url_description = mysqlStringLiteral(text(e.url_description));
  if (e.url_lists !== "") out.url_lists = text(e.url_lists);
  return out;
}

function listRows(ctx: RequestContext, who: string, cid: string, entryType: string, urlType: string): SandboxResponse {
  const rows = ctx.state
    .rowsFor(cid, entryType, urlType)
    .sort((a, b) => a.url_id - b.url_id)
    .slice(0, 1000);
  if (rows.length === 0) {
    return loggedApiText(`NOTICE: ${FN} LIST, No Records Found - ${who}|${urlType}|${entryType}|${cid}|0\n`);
  }
  const dl = stageDelimiter(S.setting(ctx.params.raw("stage")));
  let out = "";
  if (S.header(ctx.params.raw("header")) === "YES") out += LIST_FIELDS.join(dl) + "\n";
  for (const r of rows) out += LIST_FIELDS.map((f) => String(r[f])).join(dl) + "\n";
  return loggedApiText(out);
}

/** function=update_alt_url, after the source check and a good login. */
export function updateAltUrl({ ctx, user, who }: ApiCall): SandboxResponse {
  const { state, params } = ctx;
  const err = (msg: string) => loggedApiText(`ERROR: ${FN} ${msg}\n`);

  // 3. allowed API functions
  if (!state.allowsFunction(user, FN)) {
    return loggedApiText(`ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |${who}|${FN}|\n`);
  }
  // 4. API access, modify campaigns, level 8+, active
  if (!(user.vdc_agent_api_access === 1 && user.modify_campaigns === 1 && user.user_level >= 8 && user.active === "Y")) {
    return err(`USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS: |${who}|0`);
  }
  // 5. campaign_id length after stripping
  const cid = S.campaignId(params.raw("campaign_id"));
  // campaign_name is no field of this function, yet VICIdial prints it here.
  const name = S.campaignName(params.raw("campaign_name"));
  if (cid.length < 2 || cid.length > 20) return err(`YOU MUST USE ALL REQUIRED FIELDS: |${who}|${cid}|${name}|${cid}`);
  // 6. always looked up among campaigns, whatever the entry type
  if (!state.visibleCampaigns(user).some((c) => c.campaign_id.toLowerCase() === cid.toLowerCase())) {
    return err(`CAMPAIGN DOES NOT EXIST: |${who}|${cid}`);
  }
  const entryType = S.typeName(params.raw("entry_type"));
  const urlType = S.typeName(params.raw("url_type"));
  const altId = S.altUrlId(params.raw("alt_url_id"));

  // 7. LIST is answered before any ALT or type check
  if (altId === "LIST") return listRows(ctx, who, cid, entryType, urlType);

  // 8, 9. url type for the entry type, then the entry type itself
  const types = URL_TYPES[entryType];
  if (types && !types.includes(urlType)) return err(`NO VALID URL TYPE DEFINED:: |${who}|${urlType}|${entryType}|${cid}`);
  if (!types) return err(`NO ENTRY TYPE DEFINED:: |${who}|${entryType}|${cid}`);

  // 10. the campaign's URL of that type must be ALT
  if (!state.isAlt(entryType, urlType, cid)) {
    return err(`${ENTRY_LABEL[entryType]} ${urlType} URL IS NOT SET TO ALT: |${who}|${urlType}|${entryType}|${cid}`);
  }

  // 11. unknown id: an error with 2+ rows, otherwise silently the first row (or none)
  const rows = state.rowsFor(cid, entryType, urlType).sort((a, b) => a.url_id - b.url_id);
  let target = altId;
  if (altId !== "NEW") {
    const wanted = mysqlNumber(altId);
    if (!rows.some((r) => r.url_id === wanted)) {
      if (rows.length >= 2) {
        return err(`ALT URL ID DOES NOT EXIST: |${who}|${altId}|${urlType}|${entryType}|${cid}|${Math.min(rows.length, 2)}`);
      }
      target = rows[0] ? String(rows[0].url_id) : "";
    }
  }

  // 12. optional field checks, 13. nothing to change
  const edits = readEdits(ctx);
  const bad = fieldError(edits);
  if (bad) return err(`${bad[0]}, THIS IS AN OPTIONAL FIELD: |${who}|${bad[1]}`);
  if (Object.values(edits).every((v) => v === "")) return loggedApiText(`NOTICE: ${FN} NO UPDATES DEFINED: |${who}|\n`);

  // 14. write
  let values: Partial<SandboxAltUrl>;
  try {
    values = storedValues(edits);
    // Strict SQL mode refuses comparing url_id with text such as '1A'.
    if (altId !== "NEW" && target !== "" && !/^\d+$/.test(target)) throw new SqlRefused("Truncated incorrect DOUBLE value");
  } catch (e) {
    // The statement fails: PHP dies before printing anything, nothing is written and no id is consumed.
    if (e instanceof SqlRefused) return phpFatal();
    throw e;
  }
  if (altId === "NEW") {
    const row = state.insertRow({
      campaign_id: cid,
      entry_type: entryType as SandboxAltUrl["entry_type"],
      active: "N",
      url_type: urlType,
      url_rank: 1,
      url_statuses: "",
      url_description: "",
      url_lists: "",
      url_call_length: 0,
      url_address: "",
      ...values,
    });
    return loggedApiText(`SUCCESS: ${FN} ALT URL HAS BEEN ADDED - ${who}|NEW URL ID: ${row.url_id}|${urlType}|${entryType}|${cid}\n`);
  }
  // `target` may be "" (no rows): the UPDATE matches nothing and still "succeeds".
  const id = mysqlNumber(target);
  const row = state.rows.find((r) => r.url_id === id && ciEqual(r.campaign_id, cid));
  if (row && target !== "") Object.assign(row, values);
  return loggedApiText(`SUCCESS: ${FN} ALT URL HAS BEEN UPDATED - ${who}|${target}|${urlType}|${entryType}|${cid}\n`);
}
