/**
 * The one writer every write tool uses: validate desired values, pick the
 * row, send only what changes, read back and compare, reconcile a write whose
 * answer was lost, and audit.
 */
import type { PlannedRequest } from "../client/vicidial.js";
import { invalidInput, ToolError } from "../shared/errors.js";
import type { AltUrl, UrlType } from "../shared/model.js";
import { checkDescription, checkMinCallLength, checkRank, normaliseLists, normaliseStatuses, sameStatusSet } from "./fields.js";
import type { Services } from "./runtime.js";
import { checkTemplate } from "./templateVars.js";
import { prepareAltUrl } from "./urlPolicy.js";
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
} from "./writeSteps.js";

/** The editable values as a write tool takes them. */
export interface DesiredArgs {
  url: string;
  statuses: string[];
  active?: boolean;
  rank?: number;
  description?: string;
  lists?: (string | number)[];
  min_call_length?: number;
  allow_credential_variables: boolean;
}

/** Validate everything before any request (nothing is sent for bad input). */
export function desiredFromArgs(s: Services, a: DesiredArgs) {
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
