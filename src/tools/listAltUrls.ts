import { z } from "zod";
import { readAltUrls } from "../domain/writeSteps.js";
import { defineTool } from "./shared/define.js";
import { altUrlTable, withWarnings } from "./shared/format.js";
import { altUrlSchema, campaignId, urlType, warningsSchema } from "./shared/schemas.js";

export const listAltUrls = defineTool({
  name: "list_alt_urls",
  title: "List a campaign's Alt URLs",
  description:
    "List the Alt URLs of one campaign and URL type in firing order (rank): the web addresses VICIdial fetches after matching dispositions (dispo), at call start (start) or when no agent is free (noagent), with their statuses, list limits, minimum talk time and active state. Works whether or not the campaign is in ALT mode (rows of a non-ALT campaign do not fire).",
  inputSchema: { campaign_id: campaignId, url_type: urlType },
  outputSchema: {
    campaign_id: z.string().describe("Campaign id as VICIdial spells it"),
    url_type: z.string().describe("The URL type listed"),
    alt_urls: z.array(altUrlSchema).describe("The rows in rank order"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const resolved = await s.campaigns.resolve(a.campaign_id);
    const read = await readAltUrls(s, resolved.id, a.url_type);
    const warnings = [...resolved.warnings, ...read.warnings];
    const text = `${a.url_type} Alt URLs of campaign ${resolved.id} (${read.rows.length}):\n${altUrlTable(read.rows)}`;
    return {
      structured: { campaign_id: resolved.id, url_type: a.url_type, alt_urls: read.rows, warnings },
      text: withWarnings(text, warnings),
    };
  },
});
