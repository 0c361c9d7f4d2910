/**
 * /vicidial/admin_url_multi.php: HTTP Basic login and rights, then the Alt
 * URL page for campaigns, in-groups and lists, with VICIdial 2.14's check
 * order: id, entry type, url type (bare answers), then the admin header, the
 * ALT check and the action.
 */
import { type AdminFields, runAdminAction } from "./admin-actions.js";
import { adminPageFoot, adminPageHead } from "./admin-html.js";
import { altUrlListing, URL_TYPE_LABEL } from "./admin-listing.js";
import { basicLogin } from "./basic-login.js";
import type { RequestParams } from "./params.js";
import { APACHE_CONTENT_TYPE, API_CONTENT_TYPE, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { adminSanitize as S } from "./sanitize.js";

const WRITE_ACTIONS = new Set(["URL_MULTI_DELETE", "URL_MULTI_NEW", "URL_MULTI_MODIFY"]);

/** url types the page accepts per entry type. */
const URL_TYPES: Record<string, string[]> = {
  campaign: ["dispo", "start", "noagent"],
  ingroup: ["dispo", "start", "noagent", "addlead"],
  list: ["noagent"],
};

export function isAdminWrite(action: string): boolean {
  return WRITE_ACTIONS.has(S.action(action));
}

function readFields(params: RequestParams): AdminFields {
  return {
    campaignId: S.campaignId(params.raw("campaign_id")),
    entryType: S.typeName(params.raw("entry_type")),
    urlType: S.typeName(params.raw("url_type")),
    action: S.action(params.raw("action")),
    urlId: S.urlId(params.raw("url_id")),
    active: S.active(params.raw("active")),
    rank: S.urlRank(params.raw("url_rank")),
    statuses: S.urlStatuses(params.raw("url_statuses")),
    lists: S.urlLists(params.raw("url_lists")),
    callLength: S.urlCallLength(params.raw("url_call_length")),
    description: S.urlDescription(params.raw("url_description")),
    address: S.urlAddress(params.raw("url_address")),
  };
}

export function handleAdmin(ctx: RequestContext): SandboxResponse {
  const { state } = ctx;
  const auth = basicLogin(ctx, 8);
  if (!auth.ok) return auth.response;
  // API access, View Reports and the group's allowed campaigns are not checked here.
  if (auth.user.modify_campaigns !== 1) {
    return textResponse("You do not have permissions to modify campaigns\n", API_CONTENT_TYPE);
  }

  const page = (body: string) => textResponse(body, APACHE_CONTENT_TYPE);
  const f = readFields(ctx.params);
  if (f.campaignId.length < 1) return page("ERROR: ID not defined:");
  const types = URL_TYPES[f.entryType];
  if (!types) return page(`ERROR: no entry type defined:${f.entryType}`);
  if (!types.includes(f.urlType)) return page(`ERROR: no valid url type defined:${f.urlType}`);

  // An empty name in the title tells "no such id" from "not ALT".
  let html = adminPageHead({ title: `${f.campaignId} - ${state.entryName(f.entryType, f.campaignId)}`, user: auth.user.user });
  if (!state.isAlt(f.entryType, f.urlType, f.campaignId)) {
    return page(`${html}This URL is not set ALT${f.entryType}|${f.urlType}|${URL_TYPE_LABEL[f.urlType]}\n`);
  }

  const outcome = runAdminAction(state, f);
  html += outcome.message;
  if (outcome.after === "stop") return page(html);
  if (outcome.after === "listing") {
    // ORDER BY url_rank keeps equal ranks in the table's physical order.
    const rows = state
      .rowsFor(f.campaignId, f.entryType, f.urlType)
      .sort((a, b) => a.url_rank - b.url_rank)
      .slice(0, 1000);
    html += altUrlListing({ campaignId: f.campaignId, entryType: f.entryType, urlType: f.urlType, rows });
  }
  return page(html + adminPageFoot());
}
