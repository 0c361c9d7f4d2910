/** list_alt_urls: the Alt URLs of one campaign, in-group or list, in firing order. */
import { z } from "zod";
import { entryLabel } from "../common/model.js";
import { defineTool } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { altUrlTable, withWarnings } from "./shared/format.js";
import { altUrlSchema, entryArgs, warningsSchema } from "./shared/schemas.js";

export const listAltUrls = defineTool({
  name: "list_alt_urls",
  title: "List Alt URLs",
  description:
    "List the Alt URLs of one campaign, in-group or list (entry_type) and URL type in firing order (rank): the web addresses VICIdial fetches after matching dispositions (dispo), at call start (start) or when no agent is free (noagent), with their statuses, list limits, minimum talk time and active state. A campaign's rows are listed whether or not it is in ALT mode (they fire only in ALT mode); an in-group or list must be in ALT mode for the type.",
  inputSchema: entryArgs,
  outputSchema: {
    campaign_id: z.string().describe("Campaign, in-group or list id as VICIdial spells it"),
    entry_type: z.string().describe("campaign, ingroup or list"),
    url_type: z.string().describe("The URL type listed"),
    alt_urls: z.array(altUrlSchema).describe("The rows in rank order"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const { sys, entry, warnings } = await resolveEntry(s, a);
    const read = await sys.storeFor(entry).list(entry, a.url_type);
    warnings.push(...read.warnings);
    const text = `${a.url_type} Alt URLs of ${entryLabel(entry)} (${read.rows.length}):\n${altUrlTable(read.rows)}`;
    return {
      structured: { campaign_id: entry.id, entry_type: entry.type, url_type: a.url_type, alt_urls: read.rows, warnings },
      text: withWarnings(text, warnings),
    };
  },
});
