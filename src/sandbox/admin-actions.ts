/**
 * The actions of admin_url_multi.php (NEW, MODIFY, DELETE) after the login,
 * rights and ALT checks. The page hands values the database refuses to the
 * database: in strict SQL mode the statement fails and the page stops right
 * after its header, having written nothing.
 */
import { SqlRefused, strictSmallint } from "./sanitize.js";
import { ciEqual, type SandboxState } from "./state.js";
import type { SandboxAltUrl } from "./types.js";

/** The page's fields after its own sanitising. */
export interface AdminFields {
  campaignId: string;
  entryType: string;
  urlType: string;
  action: string;
  urlId: string;
  active: string;
  rank: string;
  statuses: string;
  lists: string;
  callLength: string;
  description: string;
  address: string;
}

/**
 * What comes after the admin header: a message, then either the listing
 * and the footer, the footer alone, or nothing more (the page exits, or PHP
 * dies on an SQL error).
 */
export interface ActionOutcome {
  message: string;
  after: "listing" | "footer" | "stop";
}

const stop = (message: string): ActionOutcome => ({ message, after: "stop" });
const listing = (message: string): ActionOutcome => ({ message, after: "listing" });

/** MySQL's escaping of the URL (mysqli_real_escape_string); quotes and backslashes are already gone. */
function sqlEscape(text: string): string {
  return text.replace(/\0/g, "\\0").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\x1a/g, "\\Z");
}

/**
 * A text column of the utf8 (3-byte) table: it refuses characters beyond
 * U+FFFF, bytes that were not UTF-8 (decoded as U+FFFD) and text longer than
 * the column (characters for VARCHAR, bytes for TEXT).
 */
function utf8mb3Text(text: string, limit: { chars: number } | { bytes: number }): string {
  const tooLong = "chars" in limit ? text.length > limit.chars : Buffer.byteLength(text, "utf8") > limit.bytes;
  if (tooLong || /[\uD800-\uDFFF\uFFFD]/.test(text)) throw new SqlRefused("Incorrect string value");
  return text;
}

function activeFlag(text: string): "Y" | "N" {
  if (text !== "Y" && text !== "N") throw new SqlRefused("Data truncated for column 'active'");
  return text;
}

/** The values of a NEW or MODIFY as the table would store them; throws SqlRefused. */
function storedValues(f: AdminFields, withListsAndLength: boolean) {
  return {
    active: activeFlag(f.active),
    url_rank: strictSmallint(f.rank),
    url_statuses: utf8mb3Text(f.statuses, { chars: 1000 }),
    url_description: utf8mb3Text(f.description, { chars: 255 }),
    url_address: utf8mb3Text(f.address, { bytes: 65535 }),
    ...(withListsAndLength ? { url_lists: utf8mb3Text(f.lists, { chars: 1000 }), url_call_length: strictSmallint(f.callLength) } : {}),
  };
}

function sameRow(f: AdminFields, r: SandboxAltUrl): boolean {
  return (
    ciEqual(r.campaign_id, f.campaignId) &&
    ciEqual(r.entry_type, f.entryType) &&
    ciEqual(r.url_type, f.urlType) &&
    r.url_id === Number(f.urlId)
  );
}

function missingForWrite(f: AdminFields): boolean {
  return f.active === "" || f.rank === "" || f.statuses === "" || f.description === "" || f.address.length < 5;
}

function newRow(state: SandboxState, f: AdminFields): ActionOutcome {
  if (missingForWrite(f)) {
    return stop(`ERROR: You must fill in all fields:  |${f.active}|${f.rank}|${f.statuses}|${f.description}|${f.address}|\n<BR>`);
  }
  // NEW never stores lists or minimum length: a new row has lists empty and min length 0.
  const values = storedValues(f, false);
  if (f.campaignId.length > 20) throw new SqlRefused("Data too long for column 'campaign_id'");
  state.insertRow({
    campaign_id: f.campaignId,
    entry_type: f.entryType as SandboxAltUrl["entry_type"],
    url_type: f.urlType,
    url_lists: "",
    url_call_length: 0,
    ...values,
  });
  return listing("<BR><b>1 MULTI URL ADDED</b><BR><BR>");
}

function modifyRow(state: SandboxState, f: AdminFields): ActionOutcome {
  if (f.urlId === "" || missingForWrite(f)) {
    return stop(
      `ERROR: You must fill in all fields:  |${f.urlId}|${f.active}|${f.rank}|${f.statuses}|${f.description}|${f.address}|\n<BR>`,
    );
  }
  const row = state.rows.find((r) => sameRow(f, r));
  if (!row) return stop(`ERROR: URL entry does not exist:  |${f.urlId}|${f.campaignId}|${f.entryType}|${f.urlType}|\n<BR>`);
  // MODIFY writes all seven fields: lists left out empties them, min length left out is an SQL error.
  const values = storedValues(f, true);
  const changed = (Object.keys(values) as (keyof typeof values)[]).some((k) => row[k] !== values[k]);
  if (!changed) {
    // MySQL reports 0 affected rows for an unchanged row, and the page prints its statement.
    const stmt =
      `UPDATE vicidial_url_multi SET active='${f.active}',url_rank='${f.rank}',url_statuses='${f.statuses}',url_lists='${f.lists}',` +
      `url_call_length='${f.callLength}',url_description='${f.description}',url_address='${sqlEscape(f.address)}' where campaign_id='${f.campaignId}' ` +
      `and entry_type='${f.entryType}' and url_type='${f.urlType}' and url_id='${f.urlId}';`;
    return listing(`ERROR: Problem modifying URL:  0|${stmt}\n<BR>`);
  }
  Object.assign(row, values);
  return listing(`<BR><b>1 MULTI URL MODIFIED (ID: ${f.urlId})</b><BR><BR>`);
}

function deleteRow(state: SandboxState, f: AdminFields): ActionOutcome {
  if (f.urlId === "" || f.campaignId === "" || f.entryType === "" || f.urlType === "") {
    return stop(`ERROR: You must fill in all fields:  |${f.urlId}|${f.campaignId}|${f.entryType}|${f.urlType}|\n<BR>`);
  }
  const row = state.rows.find((r) => sameRow(f, r) && r.active === "N");
  // Active, or no such row at all: the same answer, and the listing follows.
  if (!row)
    return listing(
      `ERROR: URL entry must be set to not active before you delete it:  |${f.urlId}|${f.campaignId}|${f.entryType}|${f.urlType}|\n<BR>`,
    );
  state.deleteRow(row);
  return listing(`<BR><b>1 MULTI URL DELETED (ID: ${f.urlId})</b><BR><BR>`);
}

/** Runs the action; an SQL refusal stops the page with nothing written. */
export function runAdminAction(state: SandboxState, f: AdminFields): ActionOutcome {
  try {
    if (f.action === "URL_MULTI_NEW") return newRow(state, f);
    if (f.action === "URL_MULTI_MODIFY") return modifyRow(state, f);
    if (f.action === "URL_MULTI_DELETE") return deleteRow(state, f);
  } catch (e) {
    if (e instanceof SqlRefused) return stop("");
    throw e;
  }
  // No action (fewer than 2 characters) lists; any other action prints nothing.
  return f.action.length < 2 ? listing("") : { message: "", after: "footer" };
}
