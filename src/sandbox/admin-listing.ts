/**
 * The Alt URL listing of admin_url_multi.php: one form per row (rank order,
 * equal ranks in the table's physical order), then the form for a new row.
 * Values are written raw, as VICIdial does: no HTML escaping.
 */
import type { SandboxAltUrl } from "./types.js";

export const ADMIN_SELF = "/vicidial/admin_url_multi.php";

/** The heading word of each URL type, as the page prints it. */
export const URL_TYPE_LABEL: Record<string, string> = {
  dispo: "Dispo Call",
  start: "Start Call",
  noagent: "No Agent Call",
  addlead: "Add Lead",
};

/** The admin.php link to the entry's own screen. */
const ENTRY_LINK: Record<string, string> = {
  campaign: "ADD=31&campaign_id=",
  ingroup: "ADD=3111&group_id=",
  list: "ADD=311&list_id=",
};

/** The system's standard row colours (row 1, row 2); the new-row form takes the last row's. */
const ROW1 = 'bgcolor="#9BB9FB"';
const ROW2 = 'bgcolor="#B9CBFD"';

export interface ListingOptions {
  /** the id as sent in the request (sanitised), not as stored */
  campaignId: string;
  entryType: string;
  urlType: string;
  /** the rows to show, in listing order */
  rows: SandboxAltUrl[];
}

function hiddenFields(campaignId: string, entryType: string, urlType: string): string {
  return (
    '<input type=hidden name=DB value="0">\n' +
    `<input type=hidden name=campaign_id value="${campaignId}">\n` +
    `<input type=hidden name=entry_type value="${entryType}">\n` +
    `<input type=hidden name=url_type value="${urlType}">\n`
  );
}

function rowForm(row: SandboxAltUrl, position: number, bg: string, opts: ListingOptions): string {
  const { campaignId, entryType, urlType } = opts;
  const del =
    row.active === "N"
      ? `<a href="${ADMIN_SELF}?DB=0&campaign_id=${campaignId}&entry_type=${entryType}&url_type=${urlType}&url_id=${row.url_id}&action=URL_MULTI_DELETE">DELETE</a>`
      : "<DEL>DELETE</DEL>";
  return (
    `<tr ${bg}><form action=${ADMIN_SELF} method=POST>\n` +
    hiddenFields(campaignId, entryType, urlType) +
    `<input type=hidden name=url_id value="${row.url_id}">\n` +
    "<input type=hidden name=action value=URL_MULTI_MODIFY>\n" +
    `<td><font size=1>${position}</td>` +
    `<td align=right><font size=1>${row.url_id} &nbsp;</td>` +
    `<td><font size=1><select size=1 name=active><option value='Y'>Y</option><option value='N'>N</option><option SELECTED>${row.active}</option></select></td>` +
    `<td><font size=1><input type=text size=3 maxlength=3 name=url_rank value="${row.url_rank}"></td>` +
    `<td><font size=1><input type=text size=24 maxlength=1000 name=url_statuses value="${row.url_statuses}"></td>` +
    `<td><font size=1><input type=text size=24 maxlength=1000 name=url_lists value="${row.url_lists}"></td>` +
    `<td><font size=1><input type=text size=5 maxlength=5 name=url_call_length value="${row.url_call_length}"></td>` +
    `<td><font size=1><input type=text size=24 maxlength=255 name=url_description value="${row.url_description}"></td>` +
    `<td rowspan=2><font size=1><input type=submit name=SUBMIT value='SUBMIT'><BR><BR>${del}</td></tr>` +
    `<tr ${bg}><td colspan=8 NOWRAP><font size=1>URL:<input type=text size=125 maxlength=5000 name=url_address value="${row.url_address}"></td></form>\n` +
    "</tr>\n"
  );
}

/** The listing and the add-new form, exactly as the page prints them. */
export function altUrlListing(opts: ListingOptions): string {
  const { campaignId, entryType, urlType } = opts;
  const label = URL_TYPE_LABEL[urlType] ?? urlType;
  let out = '<TABLE><TR><TD>\n<FONT FACE="ARIAL,HELVETICA" COLOR=BLACK SIZE=2><br>Alternate URL Form';
  out += "<center><TABLE width=1020 cellspacing=3>\n<tr><td align=center colspan=2>\n";
  out += `<br><b>Alternate ${label} URLs for ${entryType}: <a href="./admin.php?${ENTRY_LINK[entryType] ?? ""}${campaignId}">${campaignId}</a></b> &nbsp; `;
  out += `<IMG SRC="help.png" onClick="FillAndShowHelpDiv(event, '#alt_multi_urls')" WIDTH=20 HEIGHT=20 BORDER=0 ALT="HELP" ALIGN=TOP>\n`;
  out += "<TABLE width=1000 cellspacing=3>\n";
  out +=
    "<tr><td><font size=2><b>#</td><td NOWRAP><font size=1>URL ID</td><td><font size=2><b>ACTIVE</td><td><font size=2><b>RANK</td>" +
    "<td><font size=2><b>STATUSES</td><td><font size=2><b>LISTS</td><td><font size=2><b>MIN LENGTH</td><td><font size=2><b>DESCRIPTION</td><td><font size=2><b>SUBMIT</td></tr>\n";
  let bg = ROW2;
  opts.rows.forEach((row, i) => {
    bg = i % 2 === 1 ? ROW2 : ROW1;
    out += rowForm(row, i + 1, bg, opts);
  });
  out += "</table></center><br>\n";
  out += `<br>Add a new ${label} URL:<br></td></tr>\n`;
  out += `<TABLE width=700 cellspacing=3>\n<tr ${bg}><form action=${ADMIN_SELF} method=POST>\n`;
  out += hiddenFields(campaignId, entryType, urlType);
  out += '<input type=hidden name=active value="N">\n<input type=hidden name=action value=URL_MULTI_NEW>\n';
  out += '<td><font size=1>RANK: <input type=text size=4 maxlength=3 name=url_rank value=""></td>';
  out += '<td><font size=1>STATUSES: <input type=text size=30 maxlength=1000 name=url_statuses value=""></td>';
  out += '<td><font size=1>DESCRIPTION: <input type=text size=30 maxlength=255 name=url_description value=""></td>';
  out += "<td rowspan=2><font size=1><input type=submit name=SUBMIT value='SUBMIT'></td></tr>";
  out += `<tr ${bg}><td colspan=3><font size=1>URL:<input type=text size=100 maxlength=5000 name=url_address value=""></td></form>\n</tr>\n`;
  out += "</table></center><br>\n</TABLE></center>\n</TD></TR></TABLE>\n";
  return out;
}
