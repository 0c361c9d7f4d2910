/** list_url_deliveries: what VICIdial really fetched for each call, and what came back. */
import { z } from "zod";
import { invalidInput } from "../common/errors.js";
import { ENTRY_TYPES } from "../common/model.js";
import { checkQuery, listDeliveries, MAX_DAYS_AFTER, MAX_LIMIT } from "../domain/deliveries.js";
import type { Delivery } from "../domain/deliveryTally.js";
import { RESPONSE_CHARS } from "../domain/deliveryTally.js";
import { defineTool } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { withWarnings } from "./shared/format.js";
import { altUrlId, campaignId, ID_MAX, idText, systemArg, warningsSchema } from "./shared/schemas.js";

const OUTCOMES = ["answered", "failed", "not_fetched"] as const;
const DAY = /^\d{4}-\d\d-\d\d$/;

const deliverySchema = z.object({
  logged_at: z
    .string()
    .describe("When VICIdial logged it (for dispo: when the agent chose the status), VICIdial's local time (see time_zone)"),
  url_type: z.enum(["dispo", "start", "noagent"]).describe("The Alt URL type"),
  uniqueid: z.string().describe("The call's uniqueid: every URL of one call shares it"),
  alt_url_id: z.number().nullable().describe("The Alt URL row whose template produced this URL; null when no current row matches"),
  campaign_id: z.string().nullable().describe("That row's campaign, in-group or list; null when no row matches"),
  entry_type: z.string().nullable().describe("campaign, ingroup or list; null when no row matches"),
  url: z.string().describe("The URL as VICIdial fetched it, values filled in; passwords masked as ***"),
  response_sec: z.number().describe("Whole seconds the fetch took; 0 means under a second, or never ran"),
  outcome: z
    .enum(OUTCOMES)
    .describe("answered (a body came back), failed (see error), not_fetched (queued at the disposition but never requested)"),
  response: z
    .string()
    .describe(
      `What came back, as VICIdial logged it (its date prefix removed), passwords masked, cut at ${RESPONSE_CHARS} characters. VICIdial's CSV deletes spaces next to a double quote: 'line "two"' reads 'line"two"'`,
    ),
  error: z
    .string()
    .nullable()
    .describe("Why it failed or was not fetched, in plain words (refused, unknown host, timeout, TLS, HTTP status, empty answer)"),
  variables: z
    .record(z.string(), z.string())
    .describe("The template variables read back from the URL (lead_id, dispo, ...); empty when no row matches"),
});

const countSchema = z.object({
  alt_url_id: z.number().nullable().describe("The Alt URL row; null for URLs no row matches"),
  campaign_id: z.string().nullable().describe("Its campaign, in-group or list"),
  entry_type: z.string().nullable().describe("campaign, ingroup or list"),
  total: z.number().describe("Deliveries"),
  answered: z.number().describe("Answered"),
  failed: z.number().describe("Failed"),
  not_fetched: z.number().describe("Never requested"),
});

function table(ds: Delivery[]): string {
  if (ds.length === 0) return "(no deliveries)";
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 80);
  const head = "| logged at | outcome | Alt URL | entry | sec | lead | status | error or response |\n|---|---|---|---|---|---|---|---|";
  const body = ds.map(
    (d) =>
      `| ${d.logged_at} | ${d.outcome} | ${d.alt_url_id ?? "none"} | ${d.campaign_id ?? "-"} | ${d.response_sec} | ${d.variables.lead_id ?? "-"} | ${d.variables.dispo ?? d.variables.status ?? "-"} | ${cell(d.error ?? d.response)} |`,
  );
  return [head, ...body].join("\n");
}

export const listUrlDeliveries = defineTool({
  name: "list_url_deliveries",
  title: "What VICIdial really sent (URL log)",
  description:
    "Answer \"did the CRM get it?\": the URLs VICIdial really fetched after dispositions (dispo), at call start (start) or for calls no agent took (noagent), read from VICIdial's URL log through its URL Log Report, newest first. Each delivery is matched to the current Alt URL row whose template produced it (alt_url_id, entry, and the variables read back, which status and lead_id filter on; the status is read from --A--dispo--B--, or is the row's only status), and says whether it was answered, failed (why: refused, unknown host, timeout, TLS, an HTTP status, an empty answer) or was never fetched (the agent's browser did not ask). " +
    `One report request per day, at most ${MAX_DAYS_AFTER} days after date. With campaign_id only that entry's rows are matched and other URLs are left out; without it every campaign and in-group this user sees is matched (a list's no-agent rows only with entry_type list). Times are VICIdial's local time (time_zone). VICIdial's CSV deletes spaces next to a double quote, so a response quoting text may read slightly differently from what the target sent. Needs User Level 7, "View Reports" and the URL Log Report in the user group's Allowed Reports. Changes nothing.`,
  inputSchema: {
    system: systemArg,
    date: z
      .string()
      .max(10)
      .regex(DAY, "a day as YYYY-MM-DD")
      .optional()
      .describe("The day (YYYY-MM-DD); default today on the VICIdial server"),
    to_date: z
      .string()
      .max(10)
      .regex(DAY, "a day as YYYY-MM-DD")
      .optional()
      .describe(`Last day, inclusive (YYYY-MM-DD), at most ${MAX_DAYS_AFTER} days after date; default date alone`),
    url_type: z
      .enum(["dispo", "start", "noagent"])
      .default("dispo")
      .describe("dispo (after a disposition; the default), start (call start) or noagent (calls no agent took)"),
    campaign_id: campaignId
      .optional()
      .describe("Only this campaign, in-group or list (named by entry_type); default every one this user sees"),
    entry_type: z.enum(ENTRY_TYPES).optional().describe("What campaign_id names: campaign (the default), ingroup or list"),
    id: altUrlId.optional().describe("Only deliveries of this Alt URL row"),
    status: z
      .string()
      .min(1)
      .max(ID_MAX)
      .optional()
      .describe(
        "Only deliveries for this status, e.g. \"SALE\" (case-sensitive; read from the URL's --A--dispo--B--, or the row's only status)",
      ),
    lead_id: z
      .union([
        z
          .string()
          .max(19)
          .regex(/^\d{1,19}$/, "a lead id is digits"),
        z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      ])
      .optional()
      .describe("Only deliveries for this lead (read from the URL's --A--lead_id--B--)"),
    outcome: z.enum(OUTCOMES).optional().describe("Only answered, failed or not_fetched deliveries"),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT)
      .default(50)
      .describe(`Most deliveries to return (default 50, at most ${MAX_LIMIT}); summary counts them all`),
  },
  outputSchema: {
    date: z.string().describe("First day read"),
    to_date: z.string().describe("Last day read"),
    url_type: z.string().describe("The Alt URL type read"),
    time_zone: z
      .string()
      .nullable()
      .describe("VICIdial's zone (from its version answer, e.g. UTC-05:00): logged_at is local time there; null when unknown"),
    deliveries: z.array(deliverySchema).describe("Newest first"),
    summary: z
      .object({
        total: z.number().describe("Deliveries that pass the filters (all of them, not only those returned)"),
        by_outcome: z
          .object({
            answered: z.number().describe("A body came back"),
            failed: z.number().describe("VICIdial logged an error"),
            not_fetched: z.number().describe("Queued, never requested"),
          })
          .describe("Counts per outcome"),
        by_alt_url: z.array(countSchema).describe("Counts per Alt URL row, most first"),
        unmatched: z.number().describe("Logged URLs of this type that match no Alt URL row searched (left out when campaign_id is given)"),
        slowest: z
          .array(
            z.object({
              logged_at: z.string().describe("When logged"),
              uniqueid: z.string().describe("The call"),
              alt_url_id: z.number().nullable().describe("The row"),
              campaign_id: z.string().nullable().describe("Its entry"),
              response_sec: z.number().describe("Seconds"),
              outcome: z.enum(OUTCOMES).describe("Outcome"),
              url: z.string().describe("The URL, passwords masked"),
            }),
          )
          .describe("The slowest fetches (a slow URL delays every URL after it for the same call)"),
        days_read: z.number().describe("Report requests made (one per day)"),
        rows_read: z.number().describe("Log rows of this type read"),
        rows_searched: z.number().describe("Alt URL rows matched against"),
      })
      .describe("Counts over everything read"),
    truncated: z.boolean().describe("True when more deliveries passed the filters than limit allowed"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s, progress }) {
    if (a.entry_type !== undefined && a.campaign_id === undefined) {
      throw invalidInput(
        "entry_type",
        "is given without campaign_id.",
        "Give campaign_id with entry_type, or leave both out for every entry.",
      );
    }
    const sys = s.system(a.system);
    // Dates first: an impossible day or range sends nothing, not even the entry's lookup.
    checkQuery({ date: a.date ?? null, toDate: a.to_date ?? null, limit: a.limit });
    const resolved =
      a.campaign_id === undefined
        ? null
        : await resolveEntry(s, {
            system: a.system,
            campaign_id: a.campaign_id,
            entry_type: a.entry_type ?? "campaign",
            url_type: a.url_type,
          });
    const r = await listDeliveries(sys, {
      date: a.date ?? null,
      toDate: a.to_date ?? null,
      urlType: a.url_type,
      scope: resolved?.entry ?? null,
      id: a.id ?? null,
      status: a.status ?? null,
      leadId: a.lead_id === undefined ? null : idText(a.lead_id),
      outcome: a.outcome ?? null,
      limit: a.limit,
      onDay: (done, total, date) => progress(done, total, `read the URL log of ${date}`),
    });
    const warnings = [...(resolved?.warnings ?? []), ...r.warnings];
    if (r.deliveries.some((d) => d.response.includes('"'))) {
      warnings.push('VICIdial\'s CSV deletes spaces next to a double quote: a response such as line "two" shows as line"two".');
    }
    const o = r.summary.by_outcome;
    const period = r.date === r.to_date ? r.date : `${r.date} to ${r.to_date}`;
    const text =
      `${r.summary.total} ${r.url_type} deliveries on ${period} (VICIdial time${r.time_zone ? `, ${r.time_zone}` : ""}): ` +
      `${o.answered} answered, ${o.failed} failed, ${o.not_fetched} not fetched; ${r.summary.unmatched} logged URL(s) matched no Alt URL row.` +
      `${r.truncated ? ` Showing the newest ${r.deliveries.length}.` : ""}\n${table(r.deliveries.slice(0, 50))}`;
    return { structured: { ...r, warnings }, text: withWarnings(text, warnings) };
  },
});
