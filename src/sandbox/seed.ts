/**
 * The default seed: the small call centre used by `npm start` without a
 * VICIDIAL_URL, by `npm run sandbox` without --state, and by most tests.
 * Existing entries are relied on by tests: add, never change.
 */
import { DEFAULT_UTC_OFFSET_HOURS } from "./clock.js";
import type { SandboxAltUrl, SandboxCampaign, SandboxInboundGroup, SandboxList, SandboxSeed, SandboxUser } from "./types.js";
import { defaultUrlLog } from "./url-log-seed.js";

function campaign(fields: Partial<SandboxCampaign> & Pick<SandboxCampaign, "campaign_id" | "campaign_name">): SandboxCampaign {
  return {
    active: "Y",
    user_group: "---ALL---",
    dial_method: "RATIO",
    dial_level: "1",
    lead_order: "DOWN",
    dial_statuses: "NEW NA B",
    dial_timeout: "26",
    dial_prefix: "9",
    manual_dial_prefix: "",
    three_way_dial_prefix: "",
    dispo_call_url: "",
    start_call_url: "",
    na_call_url: "",
    ...fields,
  };
}

function dispoRow(fields: Omit<SandboxAltUrl, "entry_type" | "url_type">): SandboxAltUrl {
  return { ...fields, entry_type: "campaign", url_type: "dispo" };
}

function inboundGroup(fields: Pick<SandboxInboundGroup, "group_id" | "group_name" | "dispo_call_url"> & Partial<SandboxInboundGroup>) {
  return {
    start_call_url: "",
    na_call_url: "",
    add_lead_url: "",
    active: "Y",
    user_group: "---ALL---",
    group_color: "",
    ...fields,
  } as const;
}

/**
 * In-groups: SALESLINE in ALT mode for dispo and add-lead URLs (group
 * SALESTEAM), OVERFLOW using its campaign's URLs (CAMP), SUPPORT_IN with no
 * dispo URL, and the inactive OLDLINE that ingroup_list leaves out.
 */
function inboundGroups(): SandboxInboundGroup[] {
  return [
    inboundGroup({ group_id: "SUPPORT_IN", group_name: "Support line", dispo_call_url: "", user_group: "ADMIN" }),
    inboundGroup({
      group_id: "SALESLINE",
      group_name: "Inbound sales",
      dispo_call_url: "ALT",
      add_lead_url: "ALT",
      user_group: "SALESTEAM",
    }),
    inboundGroup({ group_id: "OVERFLOW", group_name: "Overflow to campaign URLs", dispo_call_url: "CAMP" }),
    inboundGroup({ group_id: "OLDLINE", group_name: "Retired line", dispo_call_url: "ALT", active: "N" }),
  ];
}

/** Lists 101 and 102 of campaign 2001 (row 2 fires for them); 101 keeps no-agent Alt URLs. */
function lists(): SandboxList[] {
  return [
    { list_id: 101, list_name: "Spring leads", campaign_id: "2001", active: "Y", na_call_url: "ALT" },
    { list_id: 102, list_name: "Summer leads", campaign_id: "2001", active: "Y", na_call_url: "" },
  ];
}

/** Alt URLs of the in-group and the list; ids from 101, so tests adding campaign rows from 6 up never collide. */
function entryRows(): SandboxAltUrl[] {
  const base = { url_lists: "", url_call_length: 0 };
  return [
    {
      ...base,
      url_id: 101,
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      url_type: "dispo",
      active: "Y",
      url_rank: 1,
      url_statuses: "SALE PSALE",
      url_description: "CRM - inbound sale",
      url_address: "https://crm.example.com/vicidial/inbound?lead_id=--A--lead_id--B--&group=--A--group--B--&status=--A--dispo--B--",
    },
    {
      ...base,
      url_id: 102,
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      url_type: "dispo",
      active: "N",
      url_rank: 2,
      url_statuses: "---ALL---",
      url_description: "Inbound call log - paused",
      url_address: "https://log.example.com/inbound?group=--A--group--B--&lead=--A--lead_id--B--&status=--A--dispo--B--",
    },
    {
      ...base,
      url_id: 103,
      campaign_id: "SALESLINE",
      entry_type: "ingroup",
      url_type: "addlead",
      active: "Y",
      url_rank: 1,
      url_statuses: "---ALL---",
      url_description: "New inbound lead - stored, never fired",
      url_address: "https://crm.example.com/vicidial/newlead?lead_id=--A--lead_id--B--&phone=--A--phone_number--B--",
    },
    {
      ...base,
      url_id: 104,
      campaign_id: "101",
      entry_type: "list",
      url_type: "noagent",
      active: "Y",
      url_rank: 1,
      url_statuses: "---ALL---",
      url_description: "Dropped calls of list 101",
      url_address: "https://crm.example.com/vicidial/drop?lead_id=--A--lead_id--B--&status=--A--status--B--",
    },
  ];
}

export interface DefaultSeedOptions {
  /** the moment "today" is taken from for the URL log's deliveries (default now) */
  now?: number;
  /** the server's zone, hours east of UTC (default -5) */
  utcOffsetHours?: number;
}

/**
 * A small, believable call centre: one ALT campaign with four Alt URLs, one
 * campaign with a plain dispo URL, one ALT campaign outside the SALESTEAM
 * group's reach, users covering every permission case, the in-groups and
 * lists above, and three days of URL log deliveries (the day before
 * yesterday, yesterday and today).
 */
export function defaultSeed(opts: DefaultSeedOptions = {}): SandboxSeed {
  const users: SandboxUser[] = [
    {
      user: "6666",
      pass: "sandbox1234",
      user_level: 9,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "full admin API user",
    },
    {
      user: "apiuser",
      pass: "apipass8",
      user_level: 8,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " update_alt_url update_campaign campaigns_list ",
      note: "recommended least-rights API user (level 8, three functions)",
    },
    {
      user: "apilow",
      pass: "lowpass1",
      user_level: 7,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "level 7: logs in, may not change campaigns; admin page answers 401 (counts as a failed login)",
    },
    {
      user: "noapi",
      pass: "noapi1234",
      user_level: 9,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 0,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "API access off: permission errors on every function",
    },
    {
      user: "sales",
      pass: "salespass",
      user_level: 8,
      user_group: "SALESTEAM",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "group SALESTEAM: sees only campaigns 2001 and 2002",
    },
    {
      user: "nofunc",
      pass: "nofunc123",
      user_level: 9,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " version ",
      note: "allowed API functions: version only (function-permission error)",
    },
    {
      user: "rptlimit",
      pass: "rptlimit1",
      user_level: 8,
      user_group: "LIMITED",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "group LIMITED may not view the URL Log Report (401 after a good login)",
    },
  ];

  const campaigns: SandboxCampaign[] = [
    campaign({
      campaign_id: "2001",
      campaign_name: "Outbound Sales",
      dial_method: "RATIO",
      dial_level: "2.5",
      dispo_call_url: "ALT",
    }),
    campaign({
      campaign_id: "2002",
      campaign_name: "Customer Care",
      dial_method: "INBOUND_MAN",
      dial_level: "0",
      lead_order: "UP",
      dial_statuses: "NEW",
      dial_timeout: "45",
      dispo_call_url: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--",
    }),
    campaign({
      campaign_id: "3001",
      campaign_name: "Retention West",
      user_group: "WEST",
      dial_method: "ADAPT_AVERAGE",
      dial_level: "3",
      lead_order: "DOWN COUNT",
      dial_statuses: "NEW NA B DROP",
      dial_timeout: "30",
      dispo_call_url: "ALT",
    }),
  ];

  const rows: SandboxAltUrl[] = [
    dispoRow({
      url_id: 1,
      campaign_id: "2001",
      active: "Y",
      url_rank: 1,
      url_statuses: "SALE",
      url_description: "CRM - record the sale",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://crm.example.com/vicidial/sale?lead_id=--A--lead_id--B--&phone=--A--phone_number--B--&agent=--A--user--B--",
    }),
    dispoRow({
      url_id: 2,
      campaign_id: "2001",
      active: "Y",
      url_rank: 2,
      url_statuses: "SALE PSALE",
      url_description: "Order system, lists 101 and 102 only",
      url_lists: "101 102",
      url_call_length: 30,
      url_address: "https://orders.example.com/api/vicidial?lead=--A--lead_id--B--&status=--A--dispo--B--&talk=--A--talk_time--B--",
    }),
    dispoRow({
      url_id: 3,
      campaign_id: "2001",
      active: "N",
      url_rank: 3,
      url_statuses: "CALLBK",
      url_description: "Callback scheduler - paused",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://calendar.example.com/callback?lead=--A--lead_id--B--&when=--A--callback_datetime--B--&agent=--A--user--B--",
    }),
    dispoRow({
      url_id: 4,
      campaign_id: "2001",
      active: "Y",
      url_rank: 4,
      url_statuses: "---ALL---",
      url_description: "Call log for every disposition",
      url_lists: "",
      url_call_length: 0,
      url_address:
        "https://log.example.com/dispo?campaign=--A--campaign--B--&lead=--A--lead_id--B--&status=--A--dispo--B--&secs=--A--talk_time--B--",
    }),
    dispoRow({
      url_id: 5,
      campaign_id: "3001",
      active: "Y",
      url_rank: 1,
      url_statuses: "SALE RETAIN",
      url_description: "Retention desk",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://retention.example.com/saved?lead=--A--lead_id--B--&status=--A--dispo--B--",
    }),
  ];

  return {
    user_groups: [
      {
        user_group: "ADMIN",
        allowed_campaigns: " -ALL-CAMPAIGNS- - -",
        allowed_reports: "ALL REPORTS",
        admin_viewable_groups: " ---ALL---",
      },
      {
        user_group: "SALESTEAM",
        allowed_campaigns: " 2001 2002 -",
        allowed_reports: "Real-Time Main Report, Outbound Calling Report",
        admin_viewable_groups: " SALESTEAM -",
      },
      {
        user_group: "LIMITED",
        allowed_campaigns: " -ALL-CAMPAIGNS- - -",
        allowed_reports: "Real-Time Main Report",
        admin_viewable_groups: " ---ALL---",
      },
    ],
    users,
    campaigns,
    inbound_groups: inboundGroups(),
    lists: lists(),
    vicidial_url_multi: [...rows, ...entryRows()],
    next_url_id: 105,
    vicidial_url_log: defaultUrlLog({
      rows,
      campaigns,
      now: opts.now ?? Date.now(),
      utcOffsetHours: opts.utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS,
    }),
  };
}
