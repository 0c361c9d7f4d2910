/**
 * Argument and result schemas shared by several tools (docs/contract.md,
 * "Tools"). Every string and array has a maximum VICIdial can store, so a
 * huge argument is refused at once instead of being checked at length.
 */
import { z } from "zod";
import { ENTRY_TYPES, URL_TYPES } from "../../common/model.js";
import { named } from "./shapeNames.js";

/** Longest id VICIdial stores (campaign_id is varchar(20); list ids up to 19 digits). */
export const ID_MAX = 20;
/** A URL VICIdial stores (url_address: 5 to 65000 characters). */
export const URL_MAX = 65000;
/** url_statuses and url_lists are 1000 characters: at most 500 one-character codes. */
export const TOKENS_MAX = 500;

/**
 * An id as text; a number (`2001`, as the MCP Inspector's CLI and many models
 * send digit ids) is taken as its digits.
 */
export const entryIdValue = z.union([
  z
    .string()
    .max(ID_MAX, `at most ${ID_MAX} characters`)
    .regex(/^[A-Za-z0-9_-]+$/, "an id holds only letters, digits, - and _"),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
]);

export const campaignId = entryIdValue.describe(
  'The id of the campaign (2 to 8 letters, digits, - or _, e.g. "2001"), in-group (up to 20, e.g. "SALESLINE") or list (digits, e.g. "1001") named by entry_type; matched to VICIdial\'s own spelling. A number is taken as its digits.',
);

export const entryType = z
  .enum(ENTRY_TYPES)
  .default("campaign")
  .describe(
    "What campaign_id names: campaign (the default), ingroup (an inbound group) or list. In-groups and lists are reached through VICIdial's admin page",
  );

export const urlType = z
  .enum(URL_TYPES)
  .default("dispo")
  .describe(
    "When VICIdial fetches the URL: dispo (after the agent picks a disposition; the default), start (call start), noagent (no agent available), addlead (in-groups only; stored but never fired). Campaigns: dispo, start, noagent; in-groups: all four; lists: noagent",
  );

/** Which VICIdial system a call is for, when this server has several. */
export const systemArg = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "a system name holds letters, digits, '.', '-' and '_'")
  .optional()
  .describe("Which configured VICIdial system (see list_systems); leave out for the default one");

/** The arguments that name one entry's Alt URLs. */
export const entryArgs = { system: systemArg, campaign_id: campaignId, entry_type: entryType, url_type: urlType };

export const altUrlId = z.number().int().positive().max(4294967295).describe("The Alt URL's id, as list_alt_urls shows it");

export const dryRun = z
  .boolean()
  .default(false)
  .describe("true: validate, read the current state and return the exact requests and changes, sending no write");

export const statusList = z
  .array(z.string().max(ID_MAX, `a status code has at most ${ID_MAX} characters`))
  .min(1)
  .max(TOKENS_MAX);

export const listIds = z
  .array(z.union([z.string().max(ID_MAX), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]))
  .max(TOKENS_MAX);

/** Template variables a sample lead may give: VICIdial's own (about 150) and custom fields, with room to spare. */
export const SAMPLE_LEAD_MAX = 500;

/**
 * A sample lead: variable name to value. The number of names is bounded too,
 * so a call with a huge object is refused instead of being worked through.
 */
export const sampleLead = z
  .record(z.string().max(64), z.union([z.string().max(1000), z.number()]))
  .refine((o) => Object.keys(o).length <= SAMPLE_LEAD_MAX, `at most ${SAMPLE_LEAD_MAX} variables`)
  .meta({ maxProperties: SAMPLE_LEAD_MAX });

/** Text as given: a number becomes its digits. */
export function idText(v: string | number): string {
  return typeof v === "number" ? String(v) : v;
}

export const altUrlSchema = named(
  "alt_url",
  z.object({
    id: z.number().describe("Alt URL id (unique across the VICIdial system)"),
    campaign_id: z.string().describe("Campaign, in-group or list id as VICIdial spells it"),
    url_type: z.enum(URL_TYPES).describe("dispo, start, noagent or addlead"),
    entry_type: z.enum(ENTRY_TYPES).describe("campaign, ingroup or list"),
    active: z.boolean().describe("Only active rows fire"),
    rank: z.number().describe("Rows fire in ascending rank"),
    statuses: z.array(z.string()).describe('Disposition codes that fire it, or ["---ALL---"]'),
    all_statuses: z.boolean().describe("True when statuses holds ---ALL---"),
    description: z.string().describe("Free text"),
    lists: z.array(z.string()).describe("List ids it is limited to; empty means every list"),
    min_call_length: z.number().describe("Minimum talk time in seconds"),
    url: z.string().describe("The URL VICIdial fetches, template variables --A--name--B-- included"),
  }),
);

export const plannedRequestSchema = named(
  "request",
  z.object({
    method: z.literal("GET").describe("HTTP method"),
    endpoint: z.string().describe("Path under the VICIdial web root"),
    params: z.record(z.string(), z.string()).describe("Fields as sent (password masked)"),
    url: z.string().describe("The full request URL, password masked"),
  }),
);

export const changesSchema = z
  .record(
    z.string(),
    named("before_after", z.object({ before: z.unknown().describe("Value before"), after: z.unknown().describe("Value after") })),
  )
  .describe("Each changed field with its value before and after");

export const warningsSchema = z.array(z.string()).describe("Things worth knowing that did not stop the call");

export const changeIdSchema = z
  .string()
  .nullable()
  .describe("The audit log's id of this change (for list_changes and undo_change); null on a dry run or when nothing was sent");
