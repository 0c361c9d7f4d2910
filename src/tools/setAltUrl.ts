import { z } from "zod";
import { invalidInput, ToolError } from "../client/errors.js";
import type { PlannedRequest } from "../client/vicidial.js";
import type { AltUrl, UrlType } from "../core/altUrl.js";
import { checkDescription, checkMinCallLength, checkRank, normaliseLists, normaliseStatuses, sameStatusSet } from "../core/fields.js";
import { checkTemplate } from "../core/templateVars.js";
import { prepareAltUrl } from "../core/urlPolicy.js";
import type { Services } from "../services.js";
import {
  assertSameRow,
  assertWritable,
  audited,
  type Changes,
  type Desired,
  diff,
  findById,
  isUnknownOutcome,
  notApplied,
  readAltUrls,
  stillUnknown,
  toFields,
  verifyStored,
} from "./altUrlOps.js";
import { describeRow, formatChanges, withWarnings } from "./format.js";
import { defineTool } from "./framework.js";
import { altUrlId, altUrlSchema, campaignId, changesSchema, dryRun, plannedRequestSchema, urlType, warningsSchema } from "./schemas.js";

export const setAltUrlInput = {
  campaign_id: campaignId,
  url_type: urlType,
  url: z
    .string()
    .describe(
      "The address VICIdial fetches, e.g. https://crm.example.com/hook?lead=--A--lead_id--B--&status=--A--dispo--B--. Template variables --A--name--B-- are filled by VICIdial. Characters VICIdial would drop are percent-encoded for you and reported in warnings.",
    ),
  statuses: z
    .array(z.string())
    .min(1)
    .describe(
      'Disposition codes that fire it, one per element, e.g. ["SALE","PSALE"]; ["---ALL---"] fires on every status (the tutorial calls this dispo_code)',
    ),
  id: altUrlId
    .optional()
    .describe("Update this Alt URL (from list_alt_urls). Without it: the row with exactly these statuses is updated, or a new one created"),
  active: z.boolean().optional().describe("A new row is active unless false; an update keeps the row's state unless given"),
  rank: z.number().int().optional().describe("Firing order, 1 to 32767, lower first; new rows default to 1"),
  description: z.string().optional().describe('Free text, at most 255 characters; "" clears it'),
  lists: z
    .array(z.union([z.string(), z.number()]))
    .optional()
    .describe('Limit to leads of these list ids, e.g. ["101","102"]; [] means every list'),
  min_call_length: z.number().int().optional().describe("Only fire when talk time is at least this many seconds (0 = always)"),
  allow_credential_variables: z
    .boolean()
    .default(false)
    .describe(
      "Allow --A--pass--B-- / --A--phone_pass--B--, which put agent and phone passwords into a URL VICIdial logs. Leave false unless the person insists",
    ),
  dry_run: dryRun,
};

export const writeResultShape = {
  action: z.enum(["created", "updated", "unchanged"]).describe("What happened (or would happen, on a dry run)"),
  alt_url: altUrlSchema.nullable().describe("The row as VICIdial stored it (on a dry run: as it is now, null for a new row)"),
  changes: changesSchema,
  warnings: warningsSchema,
  dry_run: z.boolean().describe("True when nothing was sent"),
  requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
  reconciled: z.boolean().describe("True when the write's answer was lost and the outcome was established by listing again"),
};

type Args = z.infer<z.ZodObject<typeof setAltUrlInput>>;

/** Validate everything before any request (nothing is sent for bad input). */
export function desiredFromArgs(
  s: Services,
  a: Pick<Args, "url" | "statuses" | "active" | "rank" | "description" | "lists" | "min_call_length" | "allow_credential_variables">,
) {
  const warnings: string[] = [];
  const prepared = prepareAltUrl(a.url, { requireHttps: s.config.requireHttps, allowedHosts: s.config.allowedUrlHosts });
  warnings.push(...prepared.warnings);
  warnings.push(...checkTemplate(prepared.url, { allowCredentialVariables: a.allow_credential_variables }).warnings);
  const st = normaliseStatuses(a.statuses);
  warnings.push(...st.warnings);
  const desired: Desired = { url: prepared.url, statuses: st.statuses };
  if (a.active !== undefined) desired.active = a.active;
  if (a.rank !== undefined) desired.rank = checkRank(a.rank);
  if (a.description !== undefined) desired.description = checkDescription(a.description);
  if (a.lists !== undefined) desired.lists = normaliseLists(a.lists).lists;
  if (a.min_call_length !== undefined) desired.min_call_length = checkMinCallLength(a.min_call_length);
  return { desired, warnings };
}

/** Which row a set_alt_url call means: by id, else by equal status set, else none (create). */
export function pickTarget(rows: AltUrl[], id: number | undefined, statuses: string[], campaign: string, type: UrlType): AltUrl | null {
  if (id !== undefined) return findById(rows, id, campaign, type);
  const matches = rows.filter((r) => sameStatusSet(r.statuses, statuses));
  if (matches.length > 1) {
    throw invalidInput(
      "id",
      `campaign ${campaign} has ${matches.length} ${type} Alt URLs for statuses ${statuses.join(" ")} (ids ${matches.map((r) => r.id).join(", ")}).`,
      `Say which one to change: call again with id set to one of ${matches.map((r) => r.id).join(", ")}.`,
    );
  }
  return matches[0] ?? null;
}

export interface WriteOutcome {
  action: "created" | "updated" | "unchanged";
  alt_url: AltUrl | null;
  changes: Changes;
  requests: PlannedRequest[];
  reconciled: boolean;
}

/**
 * Create or update one row on an already-locked, resolved campaign. Shared
 * with copy_alt_urls. Sends only the id just read, reads back, verifies.
 */
export async function applyDesired(
  s: Services,
  campaign: string,
  type: UrlType,
  rows: AltUrl[],
  target: AltUrl | null,
  desired: Desired,
  dry: boolean,
  tool: string,
): Promise<WriteOutcome> {
  if (target) assertWritable(target);
  const full: Desired = target ? desired : { active: true, ...desired };
  const changes = diff(target, full);
  if (target && Object.keys(changes).length === 0) {
    return { action: "unchanged", alt_url: target, changes: {}, requests: [], reconciled: false };
  }
  const fields = toFields(target ? Object.fromEntries(Object.keys(changes).map((k) => [k, full[k as keyof Desired]])) : full);
  const request = target
    ? s.client.planAltUrlWrite(campaign, type, String(target.id), fields)
    : s.client.planAltUrlWrite(campaign, type, "NEW", fields);
  const action = target ? "updated" : "created";
  if (dry) return { action, alt_url: target, changes, requests: [request], reconciled: false };

  return audited(s, { tool, campaign_id: campaign, url_type: type, action, id: target?.id ?? null, before: target }, async () => {
    let id: number;
    // Set when listing after a lost answer already showed the row as meant.
    let reconciledRow: AltUrl | null = null;
    try {
      const out = target
        ? await s.client.updateAltUrl(campaign, type, target.id, fields)
        : await s.client.addAltUrl(campaign, type, fields);
      if (target) {
        if (out.kind === "updated") assertSameRow(target.id, out.id);
        id = target.id;
      } else {
        if (out.kind !== "added")
          throw new ToolError({
            code: "UNEXPECTED_RESPONSE",
            message: "VICIdial did not confirm the new Alt URL.",
            cause: "It answered that there was nothing to add.",
            fix: "Call list_alt_urls to check, then call again.",
            vicidialResponse: null,
          });
        id = out.id;
      }
    } catch (err) {
      if (!isUnknownOutcome(err)) throw err;
      // Never resend blindly: list, and decide from what is there.
      let after: AltUrl[];
      try {
        after = (await readAltUrls(s, campaign, type)).rows;
      } catch {
        throw stillUnknown(err, target ? `the change to Alt URL ${target.id}` : "the creation");
      }
      if (target && !after.some((r) => r.id === target.id)) {
        throw new ToolError({
          code: "VERIFY_FAILED",
          field: "id",
          message: `${err.message} Listing again shows Alt URL ${target.id} is gone from campaign ${campaign}.`,
          cause: "Someone deleted the row at the same moment, or VICIdial applied the change elsewhere.",
          fix: "Call list_alt_urls to see the current rows before changing anything else.",
          vicidialResponse: err.vicidialResponse,
        });
      }
      const known = new Set(rows.map((r) => r.id));
      const landed = target
        ? after.find((r) => r.id === target.id && Object.keys(diff(r, full)).length === 0)
        : after.find((r) => !known.has(r.id) && Object.keys(diff(r, full)).length === 0);
      if (!landed) throw notApplied(err, target ? `the change to Alt URL ${target.id}` : "the new Alt URL");
      id = landed.id;
      reconciledRow = landed;
    }
    const stored =
      reconciledRow ??
      verifyStored(
        (await readAltUrls(s, campaign, type)).rows.find((r) => r.id === id),
        full,
        id,
      );
    return {
      action,
      alt_url: stored,
      changes: diff(target, stored) as Changes,
      requests: [],
      reconciled: reconciledRow !== null,
      auditAfter: stored,
    };
  });
}

export const setAltUrl = defineTool({
  name: "set_alt_url",
  title: "Create or update an Alt URL",
  description:
    "Create or update one VICIdial Alt URL: a web address VICIdial itself fetches in the background after an agent gives a call one of the listed dispositions (SALE, CALLBK, ...), so a CRM or order system hears about the call. By id when given; otherwise the row whose statuses equal the requested set is updated, or a new row is created. Only the fields you give change; the row is read back and compared after writing. The campaign must be in ALT mode (see enable_alt_url_mode). Use dry_run to see the exact requests first.",
  inputSchema: setAltUrlInput,
  outputSchema: writeResultShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: true,
  async handler(a, { services: s }) {
    const { desired, warnings } = desiredFromArgs(s, a);
    const resolved = await s.campaigns.resolve(a.campaign_id);
    warnings.push(...resolved.warnings);
    const campaign = resolved.id;
    const out = await s.locks.run(campaign.toUpperCase(), async () => {
      const read = await readAltUrls(s, campaign, a.url_type);
      warnings.push(...read.warnings.filter((w) => a.id === undefined || w.startsWith(`Alt URL ${a.id} `)));
      const target = pickTarget(read.rows, a.id, desired.statuses!, campaign, a.url_type);
      return applyDesired(s, campaign, a.url_type, read.rows, target, desired, a.dry_run, "set_alt_url");
    });
    if (out.reconciled) warnings.push("VICIdial's answer to the write was lost; listing the campaign again showed it had been applied.");
    const row = out.alt_url;
    let text: string;
    if (a.dry_run)
      text = `Dry run: would have ${out.action === "unchanged" ? "changed nothing" : out.action === "created" ? `created a new Alt URL on campaign ${campaign}` : `updated Alt URL ${row!.id}`}${Object.keys(out.changes).length ? ` (${formatChanges(out.changes)})` : ""}. Nothing was sent.`;
    else if (out.action === "unchanged") text = `${describeRow(row!)} already matches; nothing was sent.`;
    else text = `${out.action === "created" ? "Created" : "Updated"} ${describeRow(row!)}: ${formatChanges(out.changes)}.`;
    return {
      structured: {
        action: out.action,
        alt_url: row,
        changes: out.changes,
        warnings,
        dry_run: a.dry_run,
        requests: out.requests,
        reconciled: out.reconciled,
      },
      text: withWarnings(text, warnings),
    };
  },
});
