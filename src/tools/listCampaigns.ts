/** list_campaigns: the campaigns the API user may see and this server may touch. */
import { z } from "zod";
import { defineTool } from "./shared/define.js";
import { systemArg } from "./shared/schemas.js";

export const listCampaigns = defineTool({
  name: "list_campaigns",
  title: "List campaigns",
  description:
    "List the VICIdial campaigns the API user may see (and this server may touch): id, name, active, dial method. Start here to find the campaign_id the other tools need (list_ingroups does the same for inbound groups). VICIdial's campaign list does not show whether a campaign uses Alt URLs (ALT mode); check_connection and preview_dispo_urls tell that.",
  inputSchema: { system: systemArg },
  outputSchema: {
    campaigns: z
      .array(
        z.object({
          id: z.string().describe("Campaign id as VICIdial spells it"),
          name: z.string().describe("Campaign name"),
          active: z.boolean().describe("Whether the campaign is active"),
          dial_method: z.string().describe("MANUAL, RATIO, ADAPT_..., INBOUND_MAN"),
        }),
      )
      .describe("Campaigns in VICIdial's order"),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const sys = s.system(a.system);
    sys.entries.forget();
    const rows = await sys.entries.visibleCampaigns();
    const campaigns = rows.map((c) => ({ id: c.campaign_id, name: c.campaign_name, active: c.active === "Y", dial_method: c.dial_method }));
    const text = campaigns.length
      ? [
          "| id | name | active | dial method |",
          "|---|---|---|---|",
          ...campaigns.map((c) => `| ${c.id} | ${c.name} | ${c.active ? "yes" : "no"} | ${c.dial_method} |`),
        ].join("\n")
      : "No campaigns visible to this API user" + (sys.settings.allowedCampaigns ? " within VICIDIAL_ALLOWED_CAMPAIGNS." : ".");
    return { structured: { campaigns }, text };
  },
});
