/**
 * The API's read-only listings: campaigns_list (text lines) and
 * ingroup_list (the HTML picker page VICIdial's admin screens load in a frame).
 */
import { stageDelimiter } from "./alt-url.js";
import { type ApiCall, apiText, loggedApiText, type SandboxResponse } from "./response.js";
import { apiSanitize as S } from "./sanitize.js";
import type { SandboxCampaign } from "./types.js";

const CAMPAIGN_FIELDS = [
  "campaign_id",
  "campaign_name",
  "active",
  "user_group",
  "dial_method",
  "dial_level",
  "lead_order",
  "dial_statuses",
  "dial_timeout",
  "dial_prefix",
  "manual_dial_prefix",
  "three_way_dial_prefix",
] as const satisfies readonly (keyof SandboxCampaign)[];

function noPermissionToUse(who: string, fn: string): SandboxResponse {
  return loggedApiText(`ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |${who}|${fn}|\n`);
}

/** campaigns_list: the campaigns the user's group may see. No dispo URL mode. */
export function campaignsList({ ctx, user, who }: ApiCall): SandboxResponse {
  const FN = "campaigns_list";
  const { state, params } = ctx;
  if (!state.allowsFunction(user, FN)) return noPermissionToUse(who, FN);
  const allowed = user.vdc_agent_api_access === 1 && user.view_reports === 1 && user.user_level >= 8 && user.active === "Y";
  if (!allowed) return loggedApiText(`ERROR: ${FN} USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: |${who}|0|\n`);

  const cid = S.campaignId(params.raw("campaign_id"));
  const camps = state.visibleCampaigns(user).filter((c) => cid === "" || c.campaign_id.toLowerCase() === cid.toLowerCase());
  // Note the wording: no "|" before the user, one after.
  if (camps.length === 0) return loggedApiText(`ERROR: ${FN} THIS USER HAS NO VIEWABLE CAMPAIGNS: ${who}|\n`);

  const dl = stageDelimiter(S.setting(params.raw("stage")));
  let out = "";
  if (S.header(params.raw("header")) === "YES") out += CAMPAIGN_FIELDS.join(dl) + "\n";
  for (const c of camps) {
    const values = CAMPAIGN_FIELDS.map((f) => (f === "dial_statuses" ? c[f].replace(/^ | -$/g, "") : c[f]));
    out += values.join(dl) + "\n";
  }
  return loggedApiText(out);
}

const PICKER_HEAD = [
  "",
  "<HTML><head><title>NON-AGENT API</title>",
  '<script language="Javascript">',
  "function choose_file(filename,fieldname)",
  "\t{",
  "\tif (filename.length > 0)",
  "\t\t{",
  "\t\tparent.document.getElementById(fieldname).value = filename;",
  "\t\tdocument.getElementById(\"selectframe\").innerHTML = '';",
  "\t\tdocument.getElementById(\"selectframe\").style.visibility = 'hidden';",
  "\t\tparent.close_chooser();",
  "\t\t}",
  "\t}",
  "function close_file()",
  "\t{",
  "\tdocument.getElementById(\"selectframe\").innerHTML = '';",
  "\tdocument.getElementById(\"selectframe\").style.visibility = 'hidden';",
  "\tparent.close_chooser();",
  "\t}",
  "</script>",
  "</head>",
  "",
  "<body>",
  '<a href="javascript:close_file();"><font size=1 face="Arial,Helvetica">close frame</font></a>',
  "<div id='selectframe' style=\"height:400px;width:710px;overflow:scroll;\">",
  "<table border=0 cellpadding=1 cellspacing=2 width=690 bgcolor=white><tr>",
  "<td width=30>#</td>",
  "<td colspan=2>Inbound Groups</td>",
  "<td>Name</td>",
  "<td>Color</td>",
  "</tr>",
  "",
].join("\n");

/**
 * ingroup_list: level 7 and the function allowed (API access and View
 * Reports are not checked); active in-groups the user group may see, names
 * written raw. It writes no request log.
 */
export function ingroupList({ ctx, user, who }: ApiCall): SandboxResponse {
  const FN = "ingroup_list";
  const { state, params } = ctx;
  if (!state.allowsFunction(user, FN)) return noPermissionToUse(who, FN);
  const field = S.comments(params.raw("comments"));
  let out = PICKER_HEAD;
  state.viewableInboundGroups(user).forEach((g, i) => {
    const position = i + 1;
    const bg = position % 2 === 1 ? "#E6E6E6" : "#F6F6F6";
    out += `<tr bgcolor="${bg}"><td width=30><font size=1 face="Arial,Helvetica">${position}</td>\n`;
    out += `<td colspan=2><a href="javascript:choose_file('${g.group_id}','${field}');"><font size=2 face="Arial,Helvetica">${g.group_id}</a></td>\n`;
    out += `<td><font size=2 face="Arial,Helvetica">${g.group_name ?? ""}</td>\n`;
    out += `<td bgcolor="${g.group_color ?? ""}"><font size=2 face="Arial,Helvetica"> &nbsp; &nbsp; &nbsp; &nbsp; </td></tr>\n`;
  });
  return apiText(`${out}</table></div></body></HTML>\n`);
}
