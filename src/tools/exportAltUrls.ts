/** export_alt_urls: the live Alt URLs of some entries as a configuration document. */
import { z } from "zod";
import { ENTRY_TYPES, entryLabel, URL_TYPES } from "../common/model.js";
import { exportDocument } from "../domain/configExport.js";
import { defineTool } from "./shared/define.js";
import { withWarnings } from "./shared/format.js";
import { campaignId, idText, systemArg, warningsSchema } from "./shared/schemas.js";

const exportedRow = z.object({
  statuses: z.array(z.string()).describe("Disposition codes that fire it"),
  url: z.string().describe("The URL VICIdial fetches"),
  active: z.boolean().describe("Only active rows fire"),
  rank: z.number().describe("Firing order"),
  description: z.string().describe("Free text"),
  lists: z.array(z.string()).describe("List ids it is limited to; empty means every list"),
  min_call_length: z.number().describe("Minimum talk time in seconds"),
});

export const exportAltUrls = defineTool({
  name: "export_alt_urls",
  title: "Export Alt URLs as a configuration document",
  description:
    "Write the Alt URLs that exist now as a configuration document (YAML), to keep under version control, review and edit: plan_alt_urls and apply_alt_urls take it as it is, and applying it unchanged changes nothing. Without entries: the dispo Alt URLs of every campaign the API user may see. With entries: those campaigns, in-groups and lists (entry_type) and URL types. Every field of every row is written out; prune: true (argument) marks every entry so rows added later are deleted by an apply. Reads only.",
  inputSchema: {
    system: systemArg,
    entries: z
      .array(
        z.object({
          campaign_id: campaignId,
          entry_type: z.enum(ENTRY_TYPES).default("campaign").describe("What campaign_id names: campaign (default), ingroup or list"),
          url_type: z.enum(URL_TYPES).default("dispo").describe("dispo (default), start, noagent or addlead"),
        }),
      )
      .max(1000)
      .optional()
      .describe(
        'The entries to export, e.g. [{"campaign_id":"2001"},{"campaign_id":"SALESLINE","entry_type":"ingroup"}]; leave out for every campaign\'s dispo rows',
      ),
    prune: z
      .boolean()
      .default(false)
      .describe("Write prune: true on every entry (an apply then deletes rows the document does not list); default false"),
  },
  outputSchema: {
    document: z.string().describe("The document as YAML text, ready for plan_alt_urls and apply_alt_urls"),
    entries: z
      .array(
        z.object({
          system: z.string().optional().describe("The system (written only when several are configured)"),
          campaign_id: z.string().describe("Entry id as VICIdial spells it"),
          entry_type: z.string().describe("campaign, ingroup or list"),
          url_type: z.string().describe("The URL type"),
          prune: z.boolean().describe("Whether an apply deletes rows the document does not list"),
          alt_urls: z.array(exportedRow).describe("The rows, in firing order"),
        }),
      )
      .describe("The same document as objects"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const out = await exportDocument(s, {
      system: a.system,
      prune: a.prune,
      entries: a.entries?.map((e) => ({ campaign_id: idText(e.campaign_id), entry_type: e.entry_type, url_type: e.url_type })),
    });
    const rows = out.entries.reduce((n, e) => n + e.alt_urls.length, 0);
    const names = out.entries.map((e) => `${entryLabel({ id: e.campaign_id, type: e.entry_type })} (${e.url_type})`);
    const head = `Exported ${rows} Alt URL${rows === 1 ? "" : "s"} of ${out.entries.length} entr${out.entries.length === 1 ? "y" : "ies"}${names.length ? `: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", ..." : ""}` : ""}.`;
    return {
      structured: { document: out.document, entries: out.entries, warnings: out.warnings },
      text: withWarnings(`${head}\n\n\`\`\`yaml\n${out.document}\`\`\``, out.warnings),
    };
  },
});
