/** Argument and result schemas shared by several tools (docs/contract.md, "Tools"). */
import { z } from "zod";
import { URL_TYPES } from "../../shared/model.js";

export const campaignId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{2,8}$/, "a campaign id is 2 to 8 letters, digits, - or _")
  .describe(
    "VICIdial campaign id, 2 to 8 letters, digits, - or _ (e.g. \"2001\"); matched to the campaign's own spelling. In-groups and lists cannot be reached through VICIdial's API.",
  );

export const urlType = z
  .enum(URL_TYPES)
  .default("dispo")
  .describe(
    "When VICIdial fetches the URL: dispo (after the agent picks a disposition; the default), start (when the call starts), noagent (when no agent is available)",
  );

export const altUrlId = z.number().int().positive().describe("The Alt URL's id, as list_alt_urls shows it");

export const dryRun = z
  .boolean()
  .default(false)
  .describe("true: validate, read the current state and return the exact requests and changes, sending no write");

export const altUrlSchema = z.object({
  id: z.number().describe("Alt URL id (unique across the VICIdial system)"),
  campaign_id: z.string().describe("Campaign id as VICIdial spells it"),
  url_type: z.enum(URL_TYPES).describe("dispo, start or noagent"),
  entry_type: z.literal("campaign").describe("Always campaign: the API reaches only campaigns"),
  active: z.boolean().describe("Only active rows fire"),
  rank: z.number().describe("Rows fire in ascending rank"),
  statuses: z.array(z.string()).describe('Disposition codes that fire it, or ["---ALL---"]'),
  all_statuses: z.boolean().describe("True when statuses holds ---ALL---"),
  description: z.string().describe("Free text"),
  lists: z.array(z.string()).describe("List ids it is limited to; empty means every list"),
  min_call_length: z.number().describe("Minimum talk time in seconds"),
  url: z.string().describe("The URL VICIdial fetches, template variables --A--name--B-- included"),
});

export const plannedRequestSchema = z.object({
  method: z.literal("GET").describe("HTTP method"),
  endpoint: z.string().describe("Path under the VICIdial web root"),
  params: z.record(z.string(), z.string()).describe("Fields as sent (password masked)"),
  url: z.string().describe("The full request URL, password masked"),
});

export const changesSchema = z
  .record(z.string(), z.object({ before: z.unknown().describe("Value before"), after: z.unknown().describe("Value after") }))
  .describe("Each changed field with its value before and after");

export const warningsSchema = z.array(z.string()).describe("Things worth knowing that did not stop the call");
