/**
 * /vicidial/admin_url_multi.php (facts §7): HTTP Basic login, then the Alt
 * URL page. The project only deletes here; the page's add and modify forms
 * work too so the sandbox can be driven from a browser.
 */
import { adminPageFoot, adminPageHead, altUrlForm } from "./admin-html.js";
import { login } from "./auth.js";
import { APACHE_CONTENT_TYPE, API_CONTENT_TYPE, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { adminSanitize as S } from "./sanitize.js";
import { ciEqual } from "./state.js";
import type { SandboxAltUrl } from "./types.js";

const WRITE_ACTIONS = new Set(["URL_MULTI_DELETE", "URL_MULTI_NEW", "URL_MULTI_MODIFY"]);

/** url types the page accepts per entry type. */
const URL_TYPES: Record<string, string[]> = {
  campaign: ["dispo", "start", "noagent"],
  ingroup: ["dispo", "start", "noagent", "addlead"],
  list: ["noagent"],
};
const TYPE_LABEL: Record<string, string> = {
  dispo: "Dispo Call",
  start: "Start Call",
  noagent: "No Agent Call",
  addlead: "Add Lead",
};
const MOD_LINK: Record<string, string> = {
  campaign: "ADD=31&campaign_id=",
  ingroup: "ADD=3111&group_id=",
  list: "ADD=311&list_id=",
};

export function isAdminWrite(action: string): boolean {
  return WRITE_ACTIONS.has(S.action(action));
}

/** MySQL reading a signed smallint from text ("" and "-" are 0). */
function smallintOf(text: string): number {
  const m = /^-?\d+/.exec(text);
  const n = m ? Number(m[0]) : 0;
  return Math.max(-32768, Math.min(32767, n));
}

export function handleAdmin(ctx: RequestContext): SandboxResponse {
  const { state, params } = ctx;
  const authUser = S.authUser(ctx.basic?.user ?? "");
  const authPass = S.authPass(ctx.basic?.pass ?? "");

  const result = login(state, { user: authUser, pass: authPass, ip: ctx.ip, now: ctx.now, minLevel: 8 });
  // LOCK and IPBLOCK set their own (lower-case) content type and stay HTTP 200.
  if (result.kind === "LOCK") {
    return textResponse(`Too many login attempts, try again in 15 minutes: |${authUser}|LOCK|\n`, API_CONTENT_TYPE);
  }
  if (result.kind === "IPBLOCK") {
    return textResponse(`Your IP Address is not allowed: ${result.ip}: |${authUser}|IPBLOCK|\n`, API_CONTENT_TYPE);
  }
  if (result.kind === "BAD") {
    return textResponse(`Login incorrect, please try again: |${authUser}|${authPass}|BAD|\n`, APACHE_CONTENT_TYPE, 401, {
      "WWW-Authenticate": 'Basic realm="CONTACT-CENTER-ADMIN"',
    });
  }
  const user = result.user;
  if (user.modify_campaigns !== 1) {
    return textResponse("You do not have permissions to modify campaigns\n", API_CONTENT_TYPE);
  }

  const page = (body: string) => textResponse(body, APACHE_CONTENT_TYPE);
  const cid = S.campaignId(params.raw("campaign_id"));
  if (cid.length < 1) return page("ERROR: ID not defined:");
  const entryType = S.typeName(params.raw("entry_type"));
  const urlType = S.typeName(params.raw("url_type"));
  const types = URL_TYPES[entryType];
  if (!types) return page(`ERROR: no entry type defined:${entryType}`);
  if (!types.includes(urlType)) return page(`ERROR: no valid url type defined:${urlType}`);

  const name = entryType === "campaign" ? (state.findCampaign(cid)?.campaign_name ?? "") : entryType === "ingroup" ? cid : "";
  let html = adminPageHead(cid, name, user.user, "");
  // The page does not check the user group's allowed campaigns (facts §7).
  if (!state.isAlt(entryType, urlType, cid)) {
    return page(html + `This URL is not set ALT${entryType}|${urlType}|${TYPE_LABEL[urlType]}\n`);
  }

  let action = S.action(params.raw("action"));
  if (action.length < 2) action = "BLANK";
  const f = {
    urlId: S.urlId(params.raw("url_id")),
    active: S.active(params.raw("active")),
    rank: S.urlRank(params.raw("url_rank")),
    statuses: S.urlStatuses(params.raw("url_statuses")),
    lists: S.urlLists(params.raw("url_lists")),
    callLength: S.urlCallLength(params.raw("url_call_length")),
    description: S.urlDescription(params.raw("url_description")),
    address: S.urlAddress(params.raw("url_address")),
  };
  const sameRow = (r: SandboxAltUrl) =>
    ciEqual(r.campaign_id, cid) && ciEqual(r.entry_type, entryType) && ciEqual(r.url_type, urlType) && r.url_id === Number(f.urlId);
  const incomplete = f.active === "" || f.rank === "" || f.statuses === "" || f.description === "" || f.address.length < 5;

  if (action === "URL_MULTI_NEW") {
    if (incomplete) {
      return page(html + `ERROR: You must fill in all fields:  |${f.active}|${f.rank}|${f.statuses}|${f.description}|${f.address}|\n<BR>`);
    }
    state.rows.push({
      url_id: state.nextUrlId++,
      campaign_id: cid,
      entry_type: entryType as SandboxAltUrl["entry_type"],
      active: f.active as "Y" | "N",
      url_type: urlType,
      url_rank: smallintOf(f.rank),
      url_statuses: f.statuses,
      url_description: f.description,
      url_lists: "",
      url_call_length: 0,
      url_address: f.address,
    });
    html += "<BR><b>1 MULTI URL ADDED</b><BR><BR>";
    action = "BLANK";
  }

  if (action === "URL_MULTI_MODIFY") {
    if (f.urlId === "" || incomplete) {
      return page(
        html + `ERROR: You must fill in all fields:  |${f.urlId}|${f.active}|${f.rank}|${f.statuses}|${f.description}|${f.address}|\n<BR>`,
      );
    }
    const row = state.rows.find(sameRow);
    if (!row) return page(html + `ERROR: URL entry does not exist:  |${f.urlId}|${cid}|${entryType}|${urlType}|\n<BR>`);
    const next: SandboxAltUrl = {
      ...row,
      active: f.active as "Y" | "N",
      url_rank: smallintOf(f.rank),
      url_statuses: f.statuses,
      url_lists: f.lists,
      url_call_length: smallintOf(f.callLength),
      url_description: f.description,
      url_address: f.address,
    };
    if (JSON.stringify(next) === JSON.stringify(row)) {
      // MySQL reports 0 affected rows when nothing changes, and the page prints its SQL.
      const stmt =
        `UPDATE vicidial_url_multi SET active='${f.active}',url_rank='${f.rank}',url_statuses='${f.statuses}',url_lists='${f.lists}',` +
        `url_call_length='${f.callLength}',url_description='${f.description}',url_address='${f.address}' where campaign_id='${cid}' ` +
        `and entry_type='${entryType}' and url_type='${urlType}' and url_id='${f.urlId}';`;
      html += `ERROR: Problem modifying URL:  0|${stmt}\n<BR>`;
    } else {
      Object.assign(row, next);
      html += `<BR><b>1 MULTI URL MODIFIED (ID: ${f.urlId})</b><BR><BR>`;
    }
    action = "BLANK";
  }

  if (action === "URL_MULTI_DELETE") {
    if (f.urlId === "" || cid === "" || entryType === "" || urlType === "") {
      return page(html + `ERROR: You must fill in all fields:  |${f.urlId}|${cid}|${entryType}|${urlType}|\n<BR>`);
    }
    const index = state.rows.findIndex((r) => sameRow(r) && r.active === "N");
    if (index < 0) {
      // Active, or no such row at all: same answer, and the page goes on to the form.
      html += `ERROR: URL entry must be set to not active before you delete it:  |${f.urlId}|${cid}|${entryType}|${urlType}|\n<BR>`;
    } else {
      state.rows.splice(index, 1);
      html += `<BR><b>1 MULTI URL DELETED (ID: ${f.urlId})</b><BR><BR>`;
    }
    action = "BLANK";
  }

  if (action === "BLANK") {
    const rows = state.rowsFor(cid, entryType, urlType).sort((a, b) => a.url_rank - b.url_rank || a.url_id - b.url_id);
    html += altUrlForm(cid, entryType, urlType, rows.slice(0, 1000), MOD_LINK[entryType] ?? "");
  }
  return page(html + adminPageFoot());
}
