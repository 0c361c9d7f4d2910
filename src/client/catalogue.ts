/**
 * Every VICIdial message this project can meet (docs/vicidial-behaviour.md, plus the
 * four a popular tutorial quotes) mapped to a contract error code, with the
 * cause and the fix an administrator can act on. The line itself travels in
 * `vicidial_response`, after redaction by the caller.
 */
import { type ErrorCode, ToolError } from "../common/errors.js";

interface Entry {
  match: RegExp;
  code: ErrorCode;
  message: string;
  cause: string;
  fix: string;
  retryable?: boolean;
  field?: string;
}

const USER_SCREEN = "VICIdial Admin > Users > (the API user) > Modify";
const LEAST_RIGHTS =
  'User Level 8 or more, Active = Y, "API Access" = 1, "Modify Campaigns" = 1, "View Reports" = 1, and "API Allowed Functions" including update_alt_url, update_campaign and campaigns_list (or ALL_FUNCTIONS)';

const FIELD_CHECKS: [string, string, string][] = [
  ["ACTIVE MUST BE Y OR N", "active", "active must be true or false"],
  ["URL ADDRESS IS NOT VALID", "url", "the URL must be 5 to 65000 characters after VICIdial strips what it does not keep"],
  ["URL RANK IS NOT VALID", "rank", "rank must be a whole number of at most 5 digits"],
  ["URL CAL LENGTH IS NOT VALID", "min_call_length", "min_call_length must be a whole number of seconds, at most 5 digits"],
  ["URL STATUSES IS NOT VALID", "statuses", "statuses must be at most 1000 characters in all"],
  ["URL DESCRIPTION IS NOT VALID", "description", "the description must be at most 255 characters"],
  ["URL LISTS IS NOT VALID", "lists", "lists must be at most 1000 characters in all"],
];

const ENTRIES: Entry[] = [
  {
    match: /^ERROR: Invalid Source/,
    code: "VICIDIAL_ERROR",
    message: "VICIdial refused the request's source field.",
    cause: "VICIdial keeps only letters and digits of the `source` field and needs at least 2 of them.",
    fix: "Set VICIDIAL_SOURCE to 2 to 20 letters and digits (default mcpalturl) and restart the server.",
  },
  {
    match: /^ERROR: Login incorrect, please try again|^Login incorrect, please try again|^ERROR: INVALID USERNAME OR PASSWORD/,
    code: "AUTH_FAILED",
    message: "VICIdial rejected the login of the API user.",
    cause:
      "VICIdial answers 'Login incorrect' for a wrong user or password, and also for a right password when the user is not Active or its User Level is below 7 (below 8 on the admin pages). Each such answer counts as a failed login; ten in 15 minutes lock the user.",
    fix: `Check VICIDIAL_USER and VICIDIAL_PASS (the password may hold only letters, digits, - and _). In ${USER_SCREEN} make sure Active = Y and User Level is 8 or more. Then restart this server: it sends no further login until restarted, so it cannot lock the user out.`,
  },
  {
    match: /Too many login attempts, try again in 15 minutes/,
    code: "ACCOUNT_LOCKED",
    message: "VICIdial has locked the API user after too many failed logins.",
    cause: "Ten failed logins within 15 minutes lock a VICIdial user for 15 minutes, even with the right password.",
    fix: "Wait 15 minutes without any login attempt for this user, correct VICIDIAL_USER / VICIDIAL_PASS if they are wrong, then restart this server.",
  },
  {
    match: /Your IP Address is not allowed/,
    code: "IP_NOT_ALLOWED",
    message: "VICIdial does not accept API requests from this machine's IP address.",
    cause: "The API user's user group has an API IP list that does not include this machine, or the address is on the system IP blacklist.",
    fix: "In VICIdial Admin > User Groups > (the user's group), add this machine's IP address to the IP list named in \"API Allowed IP List\" (Admin > IP Lists), or clear that setting; check Admin > System Settings > System IP Blacklist. Then restart this server.",
  },
  {
    match: /^ERROR: (auth )?USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION/,
    code: "PERMISSION_DENIED",
    message: "The API user may not call this VICIdial API function.",
    cause: 'The function is missing from the user\'s "API Allowed Functions".',
    fix: `In ${USER_SCREEN}, add update_alt_url, update_campaign and campaigns_list to "API Allowed Functions" (or choose ALL_FUNCTIONS).`,
  },
  {
    match: /^ERROR: (update_alt_url|update_campaign) USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS/,
    code: "PERMISSION_DENIED",
    message: "The API user is not allowed to change campaigns.",
    cause:
      'VICIdial needs the user to have User Level 8 or more, "API Access" = 1, "Modify Campaigns" = 1 and Active = Y to change Alt URLs or campaigns.',
    fix: `In ${USER_SCREEN} set ${LEAST_RIGHTS}.`,
  },
  {
    match: /^ERROR: campaigns_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO/,
    code: "PERMISSION_DENIED",
    message: "The API user is not allowed to list campaigns.",
    cause: 'campaigns_list needs User Level 8 or more, "API Access" = 1 and "View Reports" = 1.',
    fix: `In ${USER_SCREEN} set "View Reports" = 1 (and "API Access" = 1, User Level 8 or more).`,
  },
  {
    match: /YOU MUST USE ALL REQUIRED FIELDS/,
    code: "INVALID_INPUT",
    field: "campaign_id",
    message: "VICIdial says a required field is missing or the campaign id has the wrong length.",
    cause: "Campaign ids are 2 to 8 characters (update_alt_url accepts up to 20, update_campaign up to 8).",
    fix: "Use the campaign id exactly as list_campaigns shows it.",
  },
  {
    match: /CAMPAIGN DOES NOT EXIST|^ERROR: CAMPAIGN NOT FOUND/,
    code: "CAMPAIGN_NOT_FOUND",
    message: "VICIdial has no campaign with that id that this API user may see.",
    cause:
      "Either no campaign has this id, or the user's group is not allowed to see it. In-groups and lists cannot be reached through the API: it only looks among campaigns.",
    fix: 'Call list_campaigns to see the ids this user can reach. To reach another campaign, add it to "Allowed Campaigns" in VICIdial Admin > User Groups > (the API user\'s group).',
  },
  {
    match: /NO VALID URL TYPE DEFINED/,
    code: "INVALID_INPUT",
    field: "url_type",
    message: "VICIdial does not know this URL type for a campaign.",
    cause: "Campaign Alt URLs have the types dispo, start and noagent.",
    fix: "Use url_type dispo (after a disposition), start (at call start) or noagent (no agent available).",
  },
  {
    match: /NO ENTRY TYPE DEFINED/,
    code: "INVALID_INPUT",
    field: "entry_type",
    message: "VICIdial did not get a valid entry type.",
    cause: "The request lacked entry_type=campaign.",
    fix: "This is a fault in the server's request; report it. Nothing was changed.",
  },
  {
    match: /URL IS NOT SET TO ALT/,
    code: "ALT_MODE_OFF",
    message: "This campaign does not use Alt URLs: its URL setting is not ALT.",
    cause:
      "VICIdial only accepts and fires Alt URLs when the campaign's Dispo Call URL (or Start Call URL / No Agent Call URL for those types) is set to ALT.",
    fix: 'For dispo URLs call enable_alt_url_mode (give preserve_url with the campaign\'s current Dispo Call URL so it keeps firing), or in VICIdial Admin > Campaigns > (campaign) > Detail set "Dispo Call URL" to ALT. Start and no-agent URLs can only be set to ALT on that admin screen ("Start Call URL" / "No Agent Call URL").',
  },
  {
    match: /ALT URL ID DOES NOT EXIST/,
    code: "ALT_URL_NOT_FOUND",
    message: "VICIdial has no Alt URL with this id on this campaign and URL type.",
    cause: "The id belongs to another campaign or type, or the row was deleted.",
    fix: "Call list_alt_urls for the campaign and use an id from its answer.",
  },
  ...FIELD_CHECKS.map(
    ([text, field, fix]): Entry => ({
      match: new RegExp(text),
      code: "INVALID_INPUT",
      field,
      message: `VICIdial refused the value of ${field}.`,
      cause: `VICIdial says: ${text.toLowerCase()}.`,
      fix: `Correct ${field}: ${fix}.`,
    }),
  ),
  {
    match: /^ERROR: NO FUNCTION SPECIFIED/,
    code: "VICIDIAL_ERROR",
    message: "VICIdial does not know the API function this server called.",
    cause: "The VICIdial version is older than the one that introduced update_alt_url (2.14), or the request lost its function field.",
    fix: "Run check_connection to see the VICIdial version; upgrade VICIdial to 2.14 or later (non_agent_api.php build 2.14-202 is known to work).",
  },
  {
    match: /^You do not have permissions? to modify campaigns/,
    code: "PERMISSION_DENIED",
    message: "The API user may not change campaigns on VICIdial's Alt URL admin page.",
    cause:
      'Deletes, and every in-group and list Alt URL, go through the admin page admin_url_multi.php, which needs "Modify Campaigns" = 1 (and User Level 8 or more, Active = Y).',
    fix: `In ${USER_SCREEN} set "Modify Campaigns" = 1 (User Level 8 or more).`,
  },
  {
    match: /You are not allowed to view this report/,
    code: "PERMISSION_DENIED",
    message: "The API user's user group may not open VICIdial's URL Log Report, where list_url_deliveries reads what VICIdial fetched.",
    cause:
      'The user group\'s "Allowed Reports" holds neither "URL Log Report" nor "ALL REPORTS". VICIdial answers this with HTTP 401 after it accepted the password: it is not a failed login and the user is not locked by it.',
    fix: 'In VICIdial Admin > User Groups > (the API user\'s group) > Modify, add "URL Log Report" to "Allowed Reports" (or select ALL REPORTS) and submit. The user also needs User Level 7 or more and "View Reports" = 1.',
  },
  {
    match: /You are not allowed to view reports/,
    code: "PERMISSION_DENIED",
    message: "The API user may not view VICIdial reports, so list_url_deliveries cannot read the URL log.",
    cause: 'VICIdial\'s URL Log Report needs "View Reports" = 1 on the user (and User Level 7 or more).',
    fix: `In ${USER_SCREEN} set "View Reports" = 1 and submit; the user group's "Allowed Reports" must also hold "URL Log Report" (or ALL REPORTS).`,
  },
  {
    match: /^Your session is expired/,
    code: "AUTH_FAILED",
    message: "VICIdial's admin page wants a two-factor login for the API user.",
    cause: "The user has two-factor login enabled; a program cannot complete it, so neither the API nor the admin pages can be used.",
    fix: `In ${USER_SCREEN} turn two-factor login off for this dedicated API user (or use another user without it), then restart this server.`,
  },
  {
    match: /This URL is not set ALT/,
    code: "ALT_MODE_OFF",
    message: "VICIdial's admin page says this entry's URL of this type is not set to ALT, or the entry does not exist.",
    cause: "The Alt URL admin page only works on campaigns, in-groups and lists whose URL of that type is ALT.",
    fix: "Check the id with list_campaigns or list_ingroups; set the entry's URL of this type to ALT on its VICIdial admin screen (enable_alt_url_mode does it for a campaign's dispo URL).",
  },
  {
    match: /URL entry must be set to not active before you delete it/,
    code: "ALT_URL_NOT_FOUND",
    message: "VICIdial would not delete the Alt URL: it is still active or it does not exist.",
    cause: "The admin page deletes only inactive rows, and gives the same answer for a row that is not there.",
    fix: "Call list_alt_urls to see whether the row still exists and its state, then call delete_alt_url again.",
  },
  {
    match: /ERROR: URL entry does not exist/,
    code: "ALT_URL_NOT_FOUND",
    field: "id",
    message: "VICIdial's admin page has no such Alt URL on this entry and URL type.",
    cause: "The id belongs to another entry or URL type, or the row was deleted.",
    fix: "Call list_alt_urls for the entry and use an id from its answer.",
  },
  {
    match: /ERROR: You must fill in all fields/,
    code: "INVALID_INPUT",
    message: "VICIdial's admin page found a required field empty.",
    cause:
      "The page needs active, rank, statuses, a description and a URL of 5 or more characters; one of them was empty after VICIdial removed the characters it does not keep.",
    fix: "Give a description and statuses made of characters VICIdial keeps (letters, digits, spaces, - and _), then call again.",
  },
  {
    match: /ERROR: no valid url type defined/,
    code: "INVALID_INPUT",
    field: "url_type",
    message: "VICIdial's admin page does not know this URL type for this entry type.",
    cause: "Campaigns have dispo, start and noagent Alt URLs; in-groups also addlead; lists only noagent.",
    fix: "Use a url_type the entry type has.",
  },
  {
    match: /ERROR: no entry type defined/,
    code: "INVALID_INPUT",
    field: "entry_type",
    message: "VICIdial's admin page did not get a valid entry type.",
    cause: "The request lacked entry_type (campaign, ingroup or list).",
    fix: "This is a fault in the server's request; report it. Nothing was changed.",
  },
];

/** First line of a VICIdial answer, trimmed for quoting. */
export function firstLine(body: string): string {
  return (body.split("\n").find((l) => l.trim().length > 0) ?? "").trim().slice(0, 500);
}

/** Map a VICIdial error/notice line to a ToolError; null when nothing matches. */
export function classifyLine(line: string): ToolError | null {
  for (const e of ENTRIES) {
    if (e.match.test(line)) {
      return new ToolError({
        code: e.code,
        message: e.message,
        cause: e.cause,
        fix: e.fix,
        retryable: e.retryable ?? false,
        vicidialResponse: line,
        field: e.field,
      });
    }
  }
  return null;
}

export function unexpected(what: string, body: string, status: number): ToolError {
  return new ToolError({
    code: "UNEXPECTED_RESPONSE",
    message: `VICIdial's answer to ${what} was not in any form it is known to use (HTTP ${status}${body.trim() ? "" : ", empty body"}).`,
    cause:
      "A proxy, login portal or error page answered instead of VICIdial, the VICIdial version behaves differently, or the answer was cut off.",
    fix: "Check that VICIDIAL_URL is the web root of the VICIdial server (the folder holding /vicidial/non_agent_api.php) and run check_connection. Nothing was assumed from this answer.",
    retryable: true,
    vicidialResponse: firstLine(body) || null,
  });
}

/** Any other `ERROR:` line VICIdial printed. */
export function vicidialError(line: string): ToolError {
  return new ToolError({
    code: "VICIDIAL_ERROR",
    message: "VICIdial answered with an error this server does not know.",
    cause: `VICIdial says: ${line}`,
    fix: "Read VICIdial's message in vicidial_response; check the API user's settings and the campaign in the VICIdial admin pages.",
    vicidialResponse: line,
  });
}

export function serverFault(what: string, status: number): ToolError {
  return new ToolError({
    code: "VICIDIAL_ERROR",
    message: `VICIdial failed while handling ${what} (HTTP ${status}, empty answer).`,
    cause:
      "VICIdial's PHP stopped with an error: a database fault, or a value its SQL could not take (a backslash in a description does this).",
    fix: "Look at the VICIdial web server's PHP error log. Call list_alt_urls to see what, if anything, was stored before trying again.",
    retryable: true,
  });
}
