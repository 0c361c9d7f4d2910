/** list_ingroups: the active inbound groups the API user may see. */
import { z } from "zod";
import { defineTool } from "./shared/define.js";
import { systemArg } from "./shared/schemas.js";

export const listIngroups = defineTool({
  name: "list_ingroups",
  title: "List in-groups",
  description:
    "List the active VICIdial in-groups (inbound groups) the API user may see: id and name. Inbound calls follow their in-group's Dispo Call URL, so an inbound call centre's Alt URLs are usually on in-groups: give the id as campaign_id with entry_type \"ingroup\" to the other tools. Inactive in-groups are not listed (VICIdial's list leaves them out) but can still be named.",
  inputSchema: { system: systemArg },
  outputSchema: {
    ingroups: z
      .array(z.object({ id: z.string().describe("In-group id as VICIdial spells it"), name: z.string().describe("In-group name") }))
      .describe("Active in-groups, in id order"),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const sys = s.system(a.system);
    sys.entries.forget();
    const ingroups = await sys.entries.visibleIngroups();
    const text = ingroups.length
      ? ["| id | name |", "|---|---|", ...ingroups.map((g) => `| ${g.id} | ${g.name.replace(/\|/g, "\\|")} |`)].join("\n")
      : "No active in-groups visible to this API user" + (sys.settings.allowedCampaigns ? " within VICIDIAL_ALLOWED_CAMPAIGNS." : ".");
    return { structured: { ingroups }, text };
  },
});
