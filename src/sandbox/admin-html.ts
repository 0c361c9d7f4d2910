/**
 * Generated admin HTML for admin_url_multi.php: a page head, a large admin
 * header (styles, help texts, navigation) like VICIdial's admin pages, the
 * Alt URL form and the footer. Only the shape matters to clients: the
 * outcome message sits inside 55 to 70 KB of markup, as on a real system.
 */
export const ADMIN_VERSION = "2.14-9";
export const ADMIN_BUILD = "220222-1959";

const NAV: [string, string, string[]][] = [
  [
    "Users",
    "0A",
    ["Show Users", "Add A New User", "Copy User", "Search For A User", "User Stats", "User Status", "Time Sheet", "User Group Status"],
  ],
  [
    "Campaigns",
    "10",
    ["Campaigns Main", "Statuses", "HotKeys", "Lead Recycle", "Auto-Alt Dial", "Pause Codes", "Presets", "Accounts", "Dial Statuses"],
  ],
  [
    "Lists",
    "100",
    [
      "Show Lists",
      "Add A New List",
      "Search For A Lead",
      "Add A New Lead",
      "Add-Delete DNC Number",
      "Load New Leads",
      "List Custom Fields",
    ],
  ],
  ["Scripts", "1000000", ["Show Scripts", "Add A New Script"]],
  ["Filters", "10000000", ["Show Filters", "Add A New Filter"]],
  [
    "Inbound",
    "1000",
    [
      "Show In-Groups",
      "Add A New In-Group",
      "Copy In-Group",
      "Show DIDs",
      "Add A New DID",
      "Show Call Menus",
      "Add A New Call Menu",
      "Filter Phone Groups",
    ],
  ],
  ["User Groups", "100000", ["Show User Groups", "Add A New User Group", "Group Hourly Report", "Bulk Group Change"]],
  ["Remote Agents", "10000", ["Show Remote Agents", "Add New Remote Agents", "Show Extension Groups", "Add Extension Group"]],
  [
    "Admin",
    "999998",
    [
      "Call Times",
      "Shifts",
      "Phones",
      "Templates",
      "Carriers",
      "Servers",
      "Conferences",
      "System Settings",
      "Screen Labels",
      "Status Categories",
      "Audio Store",
      "Music On Hold",
      "Voicemail",
      "Email Accounts",
      "IP Lists",
      "Settings Containers",
    ],
  ],
  [
    "Reports",
    "999999",
    [
      "Real-Time Main Report",
      "Outbound Calling Report",
      "Inbound Report",
      "Agent Performance Detail",
      "Agent Status Detail",
      "Export Calls Report",
      "Lists Campaign Statuses Report",
      "Admin Change Log",
    ],
  ],
];

/** Campaign settings the header's help pop-ups know about (names as VICIdial uses them). */
const HELP_FIELDS = [
  "campaign_id campaign_name campaign_description active park_ext park_file_name web_form_address allow_closers",
  "hopper_level auto_dial_level next_agent_call local_call_time voicemail_ext dial_timeout dial_prefix manual_dial_prefix",
  "three_way_dial_prefix campaign_cid campaign_vdad_exten campaign_rec_exten campaign_recording campaign_rec_filename",
  "campaign_script get_call_launch am_message_exten amd_send_to_vmx xferconf_a_dtmf xferconf_a_number xferconf_b_dtmf",
  "xferconf_b_number alt_number_dialing scheduled_callbacks lead_filter_id drop_call_seconds drop_action",
  "safe_harbor_exten display_dialable_count wrapup_seconds wrapup_message closer_campaigns use_internal_dnc",
  "allcalls_delay omit_phone_code dial_method available_only_ratio_tally adaptive_dropped_percentage",
  "adaptive_maximum_level adaptive_latest_server_time adaptive_intensity adaptive_dl_diff_target concurrent_transfers",
  "auto_alt_dial auto_alt_dial_statuses agent_pause_codes_active campaign_description campaign_changedate",
  "campaign_stats_refresh campaign_logindate dial_statuses disable_alter_custdata no_hopper_leads_logins list_order_mix",
  "campaign_allow_inbound manual_dial_list_id default_xfer_group xfer_groups queue_priority drop_inbound_group qc_enabled",
  "qc_statuses qc_lists qc_shift_id qc_get_record_launch qc_show_recording qc_web_form_address qc_script",
  "survey_first_audio_file survey_dtmf_digits survey_ni_digit survey_opt_in_audio_file survey_ni_audio_file survey_method",
  "survey_no_response_action survey_ni_status survey_response_digit_map survey_xfer_exten survey_camp_record_dir",
  "disable_alter_custphone display_queue_count manual_dial_filter agent_clipboard_copy agent_extended_alt_dial",
  "use_campaign_dnc three_way_call_cid dial_level_difference_target agent_select_territories crm_popup_login",
  "crm_login_address timer_action timer_action_message timer_action_seconds start_call_url dispo_call_url na_call_url",
  "xferconf_c_number xferconf_d_number xferconf_e_number use_custom_cid scheduled_callbacks_alert",
  "queuemetrics_callstatus_override extension_appended_cidname scheduled_callbacks_count manual_dial_override",
  "blind_monitor_warning blind_monitor_message blind_monitor_filename inbound_queue_no_dial timer_action_destination",
  "enable_xfer_presets hide_xfer_number_to_dial manual_dial_prefix customer_3way_hangup_logging",
  "customer_3way_hangup_seconds customer_3way_hangup_action ivr_park_call ivr_park_call_agi manual_preview_dial",
  "realtime_agent_time_stats use_auto_hopper auto_hopper_multi auto_hopper_level auto_trim_hopper api_manual_dial",
  "manual_dial_call_time_check display_leads_count lead_order_randomize lead_order_secondary per_call_notes",
  "my_callback_option agent_lead_search agent_lead_search_method queuemetrics_phone_environment auto_pause_precall",
  "auto_pause_precall_code auto_resume_precall manual_dial_cid post_phone_time_diff_alert custom_3way_button_transfer",
  "available_only_tally_threshold available_only_tally_threshold_agents dial_level_threshold dial_level_threshold_agents",
  "safe_harbor_audio safe_harbor_menu_id survey_menu_id callback_days_limit dl_diff_target_method disable_dispo_screen",
  "disable_dispo_status screen_labels status_display_fields na_call_url survey_recording pllb_grouping",
  "pllb_grouping_limit call_count_limit call_count_target callback_hours_block callback_list_calltime user_group",
  "hopper_vlc_dup_check in_group_dial in_group_dial_select safe_harbor_audio_field pause_after_next_call owner_populate",
  "use_other_campaign_dnc allow_emails amd_inbound_group amd_callmenu survey_wait_sec manual_dial_lead_id dead_max",
  "dead_max_dispo dispo_max dispo_max_dispo pause_max max_inbound_calls manual_dial_search_checkbox hide_call_log_info",
  "timer_alt_seconds wrapup_bypass wrapup_after_hotkey callback_active_limit",
].flatMap((line) => line.split(" "));

function label(field: string): string {
  return field
    .split("_")
    .map((w) =>
      w.length <= 3 && /^(id|url|cid|dnc|amd|ivr|qc|api|crm|dl|dtmf|vmx|na|pllb|ext)$/.test(w)
        ? w.toUpperCase()
        : w[0]!.toUpperCase() + w.slice(1),
    )
    .join(" ");
}

function helpScript(): string {
  const entries = [...new Set(HELP_FIELDS)].map((f, i) => {
    const l = label(f);
    return (
      `HelpText['campaigns-${f}'] = "<B>${l}</B> - the ${l.toLowerCase()} setting of this campaign, ` +
      `applied after you press SUBMIT (help ${1000 + i}).";`
    );
  });
  return [
    '<script language="Javascript">',
    "var HelpText = new Array();",
    ...entries,
    "function FillAndShowHelpDiv(evt, key)",
    "\t{",
    "\tvar div = document.getElementById('HelpDisplayDiv');",
    "\tvar text = HelpText[key.replace(/^#/, 'campaigns-')] || 'No help is available for this item.';",
    "\tdiv.innerHTML = \"<TABLE CELLPADDING=2 CELLSPACING=0 BORDER=0 WIDTH=400><TR><TD ALIGN=RIGHT><a href='#' onClick=\\\"document.getElementById('HelpDisplayDiv').style.display='none';return false;\\\">close [X]</a></TD></TR><TR><TD>\" + text + \"</TD></TR></TABLE>\";",
    "\tdiv.style.left = (evt.pageX + 10) + 'px';",
    "\tdiv.style.top = (evt.pageY + 10) + 'px';",
    "\tdiv.style.display = 'block';",
    "\t}",
    "function openNewWindow(url)",
    "\t{",
    "\twindow.open(url, '', 'width=700,height=500,scrollbars=yes,menubar=yes,resizable=yes,toolbar=no,location=no,directories=no,status=no');",
    "\t}",
    "</script>",
  ].join("\n");
}

function styleSheet(): string {
  const rules: string[] = [];
  for (const [name, color] of [
    ["campaigns", "E6E6E6"],
    ["users", "FFFF99"],
    ["lists", "E6E6E6"],
    ["ingroups", "E6E6E6"],
    ["admin", "CCCCCC"],
    ["reports", "99FF99"],
  ] as const) {
    rules.push(
      `.head_${name} {font-family: HELVETICA; font-size: 12px; color: BLACK; background-color: #${color}; padding: 2px 6px 2px 6px;}`,
      `.head_${name}_sel {font-family: HELVETICA; font-size: 12px; font-weight: bold; color: BLACK; background-color: #${color}; border-bottom: 2px solid #015B91;}`,
      `.sub_${name} {font-family: HELVETICA; font-size: 11px; color: BLACK; background-color: #C6C6C6; padding: 1px 4px 1px 4px;}`,
    );
  }
  rules.push(
    ".help_info {position:absolute; z-index:21; background-color:#FFFFCC; border:1px solid #000000; font-family:sans-serif; font-size:12px;}",
    ".sh_text {font-family: HELVETICA; font-size: 10px; color: BLACK;}",
    ".sb_text {font-family: HELVETICA; font-size: 12px; color: BLACK; font-weight: bold;}",
    "table.admin_nav td a {color: BLACK; text-decoration: none;}",
    "table.admin_nav td a:hover {text-decoration: underline;}",
  );
  return `<style type="text/css">\n<!--\n${rules.join("\n")}\n-->\n</style>`;
}

function navigation(user: string, fullName: string): string {
  const out: string[] = [];
  out.push("<TABLE CLASS=admin_nav WIDTH=100% CELLPADDING=0 CELLSPACING=0 BORDER=0><TR><TD VALIGN=TOP WIDTH=170 BGCOLOR=#015B91>");
  out.push("<TABLE WIDTH=170 CELLPADDING=2 CELLSPACING=0 BORDER=0>");
  out.push(
    `<TR><TD ALIGN=CENTER BGCOLOR=#015B91><a href="admin.php"><IMG SRC="images/vicidial_admin_web_logo.png" WIDTH=170 HEIGHT=45 BORDER=0 ALT="Administration"></a></TD></TR>`,
  );
  for (const [section, add, subs] of NAV) {
    const key = section.toLowerCase().replace(/ /g, "");
    const selected = section === "Campaigns";
    out.push(
      `<TR><TD CLASS="head_${key === "campaigns" ? "campaigns" : "admin"}${selected ? "_sel" : ""}" NOWRAP>` +
        `<a href="admin.php?ADD=${add}" STYLE="text-decoration:none;"><IMG SRC="images/icon_${key}.png" WIDTH=14 HEIGHT=14 BORDER=0 ALT="${section}"> ` +
        `<FONT FACE="ARIAL,HELVETICA" SIZE=2 COLOR=BLACK>${selected ? "<b>" : ""}${section}${selected ? "</b>" : ""}</FONT></a></TD></TR>`,
    );
    subs.forEach((sub, i) => {
      out.push(
        `<TR><TD CLASS="sub_${key === "campaigns" ? "campaigns" : "admin"}" NOWRAP> &nbsp; &nbsp; ` +
          `<a href="admin.php?ADD=${add}${i + 1}&amp;SUB=${i + 1}" STYLE="text-decoration:none;" TITLE="${sub}">` +
          `<FONT FACE="ARIAL,HELVETICA" SIZE=1 COLOR=BLACK>${sub}</FONT></a></TD></TR>`,
      );
    });
  }
  out.push("</TABLE></TD><TD VALIGN=TOP>");
  out.push(
    `<TABLE WIDTH=770 CELLPADDING=2 CELLSPACING=0 BORDER=0><TR BGCOLOR=#015B91><TD ALIGN=LEFT><FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=2>` +
      `<B> &nbsp; VICIdial Administration: Campaigns</B></FONT></TD><TD ALIGN=RIGHT><FONT FACE="ARIAL,HELVETICA" COLOR=WHITE SIZE=1>` +
      `${fullName || user} &nbsp; <a href="admin.php?force_logout=1"><FONT COLOR=WHITE>Logout</FONT></a> &nbsp; </FONT></TD></TR></TABLE>`,
  );
  return out.join("\n");
}

export interface AdminHeadOptions {
  /** "<id> - <name>", after "ADMINISTRATION: URL Multi Entry " */
  title: string;
  /** the logged-in user, shown beside Logout */
  user: string;
}

/**
 * The page up to and including the admin header (real pages are 55 to 70 KB
 * here). It ends exactly as VICIdial's header does, with the row that holds
 * the page content: clients find the content after the first
 * "<TR><TD ALIGN=LEFT COLSPAN=2>" and a newline.
 */
export function adminPageHead(opts: AdminHeadOptions): string {
  return [
    "<html>",
    "<head>",
    "",
    '<link rel="stylesheet" type="text/css" href="vicidial_stylesheet.php">',
    '<script language="JavaScript" src="help.js"></script>',
    "<div id='HelpDisplayDiv' class='help_info' style='display:none;'></div>",
    "",
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8">',
    `<title>ADMINISTRATION: URL Multi Entry ${opts.title}</title>`,
    styleSheet(),
    helpScript(),
    "</head>",
    "<BODY BGCOLOR=white marginheight=0 marginwidth=0 leftmargin=0 topmargin=0 onLoad=\"document.getElementById('HelpDisplayDiv').style.display='none';\">",
    navigation(opts.user, ""),
    "<TABLE WIDTH=770 CELLPADDING=2 CELLSPACING=0 BORDER=0>",
    "<TR><TD ALIGN=LEFT COLSPAN=2 HEIGHT=2 BGCOLOR=#015B91></TD></TR>",
    "<TR><TD ALIGN=LEFT COLSPAN=2>",
    "",
  ].join("\n");
}

/** Runtime and version line, then the closing tags. */
export function adminPageFoot(): string {
  return (
    `\n\n\n<br><br><br>\n<font size=1> runtime: 0 seconds &nbsp; &nbsp; &nbsp; &nbsp; Version: ${ADMIN_VERSION} &nbsp; &nbsp; Build: ${ADMIN_BUILD}</font>` +
    "\n</TD></TR></TABLE>\n\n</body>\n</html>\n"
  );
}
