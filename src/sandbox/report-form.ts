/**
 * The URL Log Report page's fixed parts: the HTML head, the short admin
 * navigation bar and the search form, as VICIdial 2.14 prints them (no
 * clock anywhere, so the page is byte for byte stable).
 */
import { FORM_URL_TYPES, type ReportQuery } from "./report-query.js";

/** Everything before the form's first field: head, styles, navigation, the FORM tag. */
const PAGE_HEAD = [
  "<HTML>",
  "<HEAD>",
  '<STYLE type="text/css">',
  "<!--",
  "   .green {color: white; background-color: green}",
  "   .red {color: white; background-color: red}",
  "   .blue {color: white; background-color: blue}",
  "   .purple {color: white; background-color: purple}",
  "   .small_standard {  font-family: Arial, Helvetica, sans-serif; font-size: 8pt}",
  "   .small_standard_bold {  font-family: Arial, Helvetica, sans-serif; font-size: 8pt; font-weight: bold}",
  "-->",
  " </STYLE>",
  '<script language="JavaScript" src="calendar_db.js"></script>',
  '<link rel="stylesheet" href="calendar.css">',
  '<link rel="stylesheet" href="horizontalbargraph.css">',
  '<link rel="stylesheet" href="verticalbargraph.css">',
  '<script language="JavaScript" src="wz_jsgraphics.js"></script>',
  '<script language="JavaScript" src="line.js"></script>',
  '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8">',
  "<TITLE>URL Log Report</TITLE></HEAD><BODY BGCOLOR=WHITE marginheight=0 marginwidth=0 leftmargin=0 topmargin=0>",
  "\t\t\t<TABLE CELLPADDING=0 CELLSPACING=0 BGCOLOR=#015B91><TR>",
  '\t\t\t<TD><A HREF="../vicidial/admin.php"><IMG SRC="./images/vicidial_admin_web_logo.png" WIDTH=71 HEIGHT=22 BORDER=0 ALT="System logo"></A> &nbsp; </TD>',
  '\t\t\t\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=999999" ALT="Reports" STYLE="text-decoration:none;"><img src="images/icon_reports.png" border=0 alt="Reports" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Reports</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=0A" ALT="Users" STYLE="text-decoration:none;"><img src="images/icon_users.png" border=0 alt="Users" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Users</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=10" ALT="Campaigns" STYLE="text-decoration:none;"><img src="images/icon_campaigns.png" border=0 alt="Campaigns" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Campaigns</B></FONT></A> &nbsp; </TD>',
  '\t\t\t\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=100" ALT="Lists" STYLE="text-decoration:none;"><img src="images/icon_lists.png" border=0 alt="Lists" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Lists</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=1000000" ALT="Scripts" STYLE="text-decoration:none;"><img src="images/icon_scripts.png" border=0 alt="Scripts" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Scripts</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=10000000" ALT="Filters" STYLE="text-decoration:none;"><img src="images/icon_filters.png" border=0 alt="Filters" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Filters</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=1001" ALT="Inbound" STYLE="text-decoration:none;"><img src="images/icon_inbound.png" border=0 alt="Inbound" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Inbound</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=100000" ALT="User Groups" STYLE="text-decoration:none;"><img src="images/icon_usergroups.png" border=0 alt="User Groups" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>User Groups</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=10000" ALT="Remote Agents" STYLE="text-decoration:none;"><img src="images/icon_remoteagents.png" border=0 alt="Remote Agents" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Remote Agents</B></FONT></A> &nbsp; </TD>',
  '\t\t\t<TD> &nbsp; <A HREF="../vicidial/admin.php?ADD=999998" ALT="Admin" STYLE="text-decoration:none;"><img src="images/icon_admin.png" border=0 alt="Admin" width=14 height=14 valign=middle> <FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2><B>Admin</B></FONT></A> &nbsp; </TD>',
  "\t\t\t\t\t</TR>",
  "\t\t</TABLE>",
  '\t\t<TABLE CELLPADDING=4 CELLSPACING=0><TR><TD><FORM ACTION="/vicidial/AST_url_log_report.php" METHOD=GET name=vicidial_report id=vicidial_report>',
].join("\n");

/** The search form, filled from the request; ends with `</TD></TR></TABLE>` and a newline. */
export function reportForm(q: ReportQuery, sentTypes: string): string {
  const typeOptions = FORM_URL_TYPES.map(
    (t) => `<option ${sentTypes.includes(`|${t}|`) ? "selected " : ""}value="${t}">${t.replace(/_/g, " ")}</option>`,
  );
  const displayChoice = q.displayType !== "" ? `<option value='${q.displayType}' selected>${q.displayType}</option>` : "";
  return [
    PAGE_HEAD,
    "<TABLE BORDER=0 cellspacing=5 cellpadding=5><TR><TD VALIGN=TOP align=center>",
    `<INPUT TYPE=HIDDEN NAME=DB VALUE="${q.db}">`,
    "Date:",
    `<INPUT TYPE=TEXT NAME=query_date SIZE=10 MAXLENGTH=10 VALUE="${q.queryDate}"><script language="JavaScript">`,
    "var o_cal = new tcal ({",
    "\t// form name",
    "\t'formname': 'vicidial_report',",
    "\t// input name",
    "\t'controlname': 'query_date'",
    "});",
    "o_cal.a_tpl.yearscroll = false;",
    "// o_cal.a_tpl.weekstart = 1; // Monday week start",
    "</script>",
    `<BR><BR><INPUT TYPE=TEXT NAME=query_date_D SIZE=9 MAXLENGTH=8 VALUE="${q.timeFrom}">` +
      `<BR> to <BR><INPUT TYPE=TEXT NAME=query_date_T SIZE=9 MAXLENGTH=8 VALUE="${q.timeTo}">` +
      "</TD><TD ROWSPAN=2 VALIGN=TOP>URL type:<BR/>",
    "<SELECT SIZE=5 NAME=url_type[] multiple>",
    `<option value="--ALL--"${sentTypes.includes("--ALL--") ? " selected" : ""}>-- ALL URL TYPES --</option>`,
    ...typeOptions,
    "</SELECT></TD><TD ROWSPAN=2 VALIGN=middle align=center>",
    `Display as:<BR><select name='report_display_type'>${displayChoice}<option value='TEXT'>TEXT</option><option value='HTML'>HTML</option></select>`,
    "<BR><BR><INPUT TYPE=submit NAME=SUBMIT VALUE='SUBMIT'><BR/><BR/>",
    "</TD></TR></TABLE>",
    "",
  ].join("\n");
}
