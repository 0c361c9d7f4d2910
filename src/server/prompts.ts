/**
 * MCP prompts: the jobs administrators ask for most, written as a first
 * message that walks the assistant through the safe order of tool calls
 * (look, dry run, write, confirm; or, for a missed call, what VICIdial
 * really sent, then why).
 */
import { completable } from "@modelcontextprotocol/sdk/server/completable.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Services } from "../domain/runtime.js";

function campaignArg(s: Services) {
  return completable(z.string().describe('The VICIdial campaign id, e.g. "2001"'), async (value, context) => {
    // With several systems, the campaigns of the system already chosen (else the default's).
    const named = context?.arguments?.system || s.defaultSystem;
    if (!named || !s.systems.has(named)) return [];
    try {
      const prefix = value.toUpperCase();
      return (await s.system(named).entries.visibleCampaigns())
        .map((c) => c.campaign_id)
        .filter((id) => id.toUpperCase().startsWith(prefix));
    } catch {
      return [];
    }
  });
}

/** The optional `system` argument, only when there are several systems, completed with their names. */
function systemArgs(s: Services): { system?: ReturnType<typeof systemSchema> } {
  if (s.systems.size < 2) return {};
  return { system: systemSchema(s) };
}

function systemSchema(s: Services) {
  const names = s.systems.names;
  return completable(
    z
      .string()
      .optional()
      .describe(`Which VICIdial system (${names.join(", ")})${s.defaultSystem ? `; default ${s.defaultSystem}` : ""}`),
    (value) => names.filter((n) => n.toLowerCase().startsWith((value ?? "").toLowerCase())),
  );
}

/** The sentence that sends every tool call of a prompt to one system. */
function onSystem(system: string | undefined): string {
  return system ? `\nThis is on the VICIdial system "${system}": pass system: "${system}" in every tool call.` : "";
}

const user = (text: string) => ({ messages: [{ role: "user" as const, content: { type: "text" as const, text } }] });

export function routeDispositionText(a: { campaign_id: string; status: string; url: string }, readOnly: boolean): string {
  const steps = readOnly
    ? [
        `1. Call list_alt_urls for campaign ${a.campaign_id} (url_type dispo) and tell me whether a row already covers status ${a.status}.`,
        `2. Call preview_dispo_urls with campaign_id ${a.campaign_id} and status ${a.status} to show what fires today, and whether the campaign is in ALT mode.`,
        "3. This server is read-only, so it cannot make the change: tell me exactly what to enter in VICIdial Admin > Campaigns > (campaign) > Alt URLs (statuses, URL, active, rank).",
      ]
    : [
        `1. Call list_alt_urls for campaign ${a.campaign_id} (url_type dispo) and tell me whether a row already has exactly the status ${a.status} (set_alt_url then updates that row instead of adding a second one).`,
        "   If any step answers ALT_MODE_OFF, stop and ask me before calling enable_alt_url_mode: it overwrites the campaign's current Dispo Call URL, so ask me for that URL to pass as preserve_url.",
        `2. Call set_alt_url with campaign_id ${a.campaign_id}, statuses ["${a.status}"], url ${JSON.stringify(a.url)} and dry_run: true. Show me the changes and any warnings (characters encoded, unknown template variables).`,
        "3. If I agree, call set_alt_url again with the same arguments and dry_run: false.",
        `4. Confirm with preview_dispo_urls for campaign ${a.campaign_id} and status ${a.status}: the new URL must be among the rows that fire, with its template variables filled.`,
      ];
  return [
    `Route the disposition ${a.status} on VICIdial campaign ${a.campaign_id} to ${a.url}.`,
    "VICIdial fetches the URL itself in the background after the agent picks that disposition; agents never see it. Work in this order and show me the result of each step:",
    ...steps,
    "Never use the password template variables (--A--pass--B--, --A--phone_pass--B--) unless I explicitly ask for them.",
  ].join("\n");
}

export function auditCampaignText(campaignId: string): string {
  return [
    `Audit the Alt URLs of VICIdial campaign ${campaignId} and report the risks. Read only: change nothing.`,
    "1. Call check_connection and tell me about any problem it reports.",
    `2. Call list_alt_urls for campaign ${campaignId} three times: url_type dispo, start and noagent.`,
    `3. Call preview_dispo_urls for campaign ${campaignId} with the common statuses SALE, CALLBK, NI, DNC and with any other status the dispo rows name, to see what fires for each.`,
    "4. Report, as a short list with the row ids:",
    "   - whether the campaign is in ALT mode (if not, none of its dispo Alt URLs fire at all);",
    "   - inactive rows (they never fire: still needed?);",
    "   - rows with empty statuses (they never fire);",
    "   - plain http:// URLs (data crosses the network unencrypted);",
    "   - URLs using --A--pass--B-- or --A--phone_pass--B-- (passwords in URLs VICIdial logs);",
    "   - rows limited to lists or a minimum talk time that may explain missed calls, and overlapping rows that fire twice for one status.",
    "End with what you recommend changing, most important first, and the tool call that would do it (with dry_run: true first).",
  ].join("\n");
}

export interface WhyArgs {
  status: string;
  campaign_id: string;
  entry_type?: string;
  date?: string;
}

export function whyDidntItFireText(a: WhyArgs, readOnly: boolean): string {
  const ingroup = a.entry_type === "ingroup";
  const entry = ingroup ? `in-group ${a.campaign_id}` : `campaign ${a.campaign_id}`;
  const entryArgs = `campaign_id ${a.campaign_id}${ingroup ? ", entry_type ingroup" : ""}`;
  const day = a.date ? `date ${a.date}` : "today (leave date out: VICIdial's own today)";
  const test = readOnly
    ? "   This server is read-only, so test_alt_url is not available: tell me which URL to try by hand and from which network (VICIdial's own server)."
    : "   Then call test_alt_url with that row (campaign_id, url_type dispo, id) and sample_lead filled from the delivery's variables, to see what the target answers now. Say that VICIdial fetches from its own network, which may get a different answer than this server.";
  return [
    `Find out why the Alt URL did not fire, or did not arrive, for status ${a.status} on VICIdial ${entry}, on ${a.date ?? "today"}. Read only: change nothing unless I ask.`,
    "Work in this order and show me what each step found:",
    `1. Call list_url_deliveries with ${entryArgs}, ${day}, url_type dispo and status ${a.status} (if nothing comes back, call it again without status: the status is read from the URL's --A--dispo--B-- and a row's URL may not carry it).`,
    "   Each delivery's outcome decides the next step:",
    "   - answered: VICIdial sent it and the target answered. Quote the response: the CRM may have answered with its own error. The problem, if any, is on the CRM's side.",
    "   - failed: read error (refused, unknown host, timeout, TLS, an HTTP status, an empty answer) and go to step 3 with that row.",
    "   - not_fetched: VICIdial queued it but the agent's browser never asked for the fetch (closed, reloaded or offline right after the disposition). Nothing is wrong with the row; say so, and that those log rows stay unsent.",
    "   - a delivery with alt_url_id null: no current row's template matches that URL (a row changed or deleted since, or the campaign's plain Dispo Call URL).",
    "   - no delivery at all for that call: go to step 2.",
    `2. Call preview_dispo_urls with ${entryArgs} and status ${a.status} (add list_id and talk_time if you know them from the call) and explain from fires and skipped why no row fired: ALT mode off, no row for this status (statuses are case-sensitive and separated by spaces), a list or minimum talk time condition, an inactive row${ingroup ? ", or an in-group whose Dispo Call URL is CAMP (then the agent's campaign's rows fire) or empty (then nothing fires)" : ""}. A callback is matched as CBHOLD.`,
    "3. For a failed delivery, explain the error in plain words and what to check on the target (is the host name right and public, does the port answer, is the certificate valid, does the page answer 200 within 60 seconds).",
    test,
    "4. If any call answers PERMISSION_DENIED or AUTH_FAILED, call check_connection and give me its fix instead.",
    "End with one short answer: did VICIdial send it, did the target get it, and what to change (with the tool call that would do it, dry_run: true first).",
  ].join("\n");
}

export function registerPrompts(server: McpServer, s: Services): void {
  server.registerPrompt(
    "route_disposition_to_url",
    {
      title: "Send a disposition to a URL",
      description:
        "Set up an Alt URL so VICIdial calls a CRM or other web address when agents give calls one disposition: check the campaign, dry run, write, then confirm with a preview.",
      argsSchema: {
        ...systemArgs(s),
        campaign_id: campaignArg(s),
        status: z.string().describe('The disposition status, exactly as defined in VICIdial (case-sensitive), e.g. "SALE"'),
        url: z
          .string()
          .describe(
            "The address VICIdial should fetch, template variables allowed, e.g. https://crm.example.com/hook?lead=--A--lead_id--B--",
          ),
      },
    },
    (a) => {
      const name = (a as { system?: string }).system;
      const readOnly = s.systems.settings(name ?? s.defaultSystem ?? "")?.readOnly ?? s.config.readOnly;
      return user(routeDispositionText(a, readOnly) + onSystem(name));
    },
  );

  server.registerPrompt(
    "audit_campaign_alt_urls",
    {
      title: "Audit a campaign's Alt URLs",
      description:
        "Review every Alt URL of one campaign (all three types) and report risks: ALT mode off, inactive rows, empty statuses, http:// URLs, password variables.",
      argsSchema: { ...systemArgs(s), campaign_id: campaignArg(s) },
    },
    (a) => user(auditCampaignText(a.campaign_id) + onSystem((a as { system?: string }).system)),
  );

  server.registerPrompt(
    "why_didnt_it_fire",
    {
      title: "Why didn't the Alt URL fire?",
      description:
        "Find out why a CRM did not hear about calls with one status: what VICIdial really sent and what came back (list_url_deliveries), why a row did or did not fire (preview_dispo_urls), and what the target answers now (test_alt_url).",
      argsSchema: {
        ...systemArgs(s),
        status: z.string().describe('The disposition status, exactly as defined in VICIdial (case-sensitive), e.g. "SALE"'),
        campaign_id: campaignArg(s),
        entry_type: z.enum(["campaign", "ingroup"]).optional().describe("campaign (the default) or ingroup, for inbound calls"),
        date: z.string().optional().describe("The day of the calls, YYYY-MM-DD (default today on the VICIdial server)"),
      },
    },
    (a) => {
      const name = (a as { system?: string }).system;
      const readOnly = s.systems.settings(name ?? s.defaultSystem ?? "")?.readOnly ?? s.config.readOnly;
      return user(whyDidntItFireText(a, readOnly) + onSystem(name));
    },
  );
}
