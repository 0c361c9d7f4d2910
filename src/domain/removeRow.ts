/**
 * Deleting one Alt URL, shared by delete_alt_url and copy_alt_urls (replace).
 * VICIdial needs two steps (switch off through the API, then delete through
 * the admin page); every lost answer is settled by listing again, never by
 * resending, and an error says exactly which state the row was left in.
 */

import type { AdminOutcome } from "../client/parse.js";
import type { TransportError } from "../client/transport.js";
import { ToolError } from "../shared/errors.js";
import type { AltUrl, UrlType } from "../shared/model.js";
import type { Services } from "./runtime.js";
import { assertSameRow, audited, isUnknownOutcome, notApplied, readAltUrls, stillUnknown } from "./writeSteps.js";

/** The row was switched off, then the delete failed: say so, with how to finish. */
function stoppedAfterDisable(row: AltUrl, err: ToolError, finish: string): ToolError {
  return new ToolError({
    code: err.code,
    message: `Alt URL ${row.id} was switched off (inactive) but not deleted: ${err.message}`,
    cause: err.reason,
    fix: `The row stays inactive, so VICIdial no longer fetches it. ${err.fix} Then ${finish} to finish.`,
    retryable: err.retryable,
    vicidialResponse: err.vicidialResponse,
  });
}

/**
 * Switch `row` off if needed, delete it, and prove it is gone. Returns the
 * warnings worth reporting; throws with the row's exact state otherwise.
 * The caller holds the campaign's lock and records the audit line.
 */
async function removeRow(s: Services, campaign: string, type: UrlType, row: AltUrl): Promise<string[]> {
  const finish = `call delete_alt_url for campaign ${campaign} with id ${row.id}`;
  if (row.active) {
    let offLost: TransportError | null = null;
    try {
      const r = await s.client.updateAltUrl(campaign, type, row.id, { active: "N" });
      if (r.kind === "updated") assertSameRow(row.id, r.id);
    } catch (err) {
      // A lost answer is settled by the list below; anything else stops here, nothing deleted.
      if (!isUnknownOutcome(err)) throw err;
      offLost = err;
    }
    let now: AltUrl | undefined;
    try {
      now = (await readAltUrls(s, campaign, type)).rows.find((r) => r.id === row.id);
    } catch (err) {
      if (offLost) throw stillUnknown(offLost, `the switch-off of Alt URL ${row.id} (nothing was deleted)`);
      throw err;
    }
    if (!now) return ["The row disappeared while it was being switched off (someone else deleted it)."];
    if (now.active) {
      if (offLost) throw notApplied(offLost, `the switch-off of Alt URL ${row.id} before deleting it`);
      throw new ToolError({
        code: "VERIFY_FAILED",
        message: `Alt URL ${row.id} could not be switched off before deleting it; it is unchanged and still active.`,
        cause: "VICIdial deletes only inactive rows, and the row did not become inactive.",
        fix: `Call list_alt_urls on campaign ${campaign} to check the row, then ${finish} again.`,
      });
    }
  }
  // The admin page's answer may be lost too: the list below decides, nothing is resent.
  let res: AdminOutcome | null = null;
  let lost: TransportError | null = null;
  try {
    res = await s.client.adminDelete(campaign, type, row.id);
  } catch (err) {
    if (!isUnknownOutcome(err)) throw row.active && err instanceof ToolError ? stoppedAfterDisable(row, err, finish) : err;
    lost = err;
  }
  let after: AltUrl[];
  try {
    after = (await readAltUrls(s, campaign, type)).rows;
  } catch (err) {
    if (lost) throw stillUnknown(lost, `the delete of Alt URL ${row.id}`);
    if (res?.kind === "deleted" && res.id === row.id && err instanceof ToolError) {
      throw new ToolError({
        code: err.code,
        message: `VICIdial reported Alt URL ${row.id} deleted, but listing the campaign again to confirm failed: ${err.message}`,
        cause: err.reason,
        fix: "Call list_alt_urls to confirm the row is gone before doing anything else.",
        vicidialResponse: err.vicidialResponse,
      });
    }
    throw err;
  }
  if (!after.some((r) => r.id === row.id)) {
    if (lost) return ["VICIdial's answer to the delete was lost; listing the campaign again showed the row is gone."];
    if (!(res?.kind === "deleted" && res.id === row.id))
      return ["VICIdial's admin page did not give its usual answer, but listing again shows the row is gone."];
    return [];
  }
  const why = lost
    ? notApplied(lost, `the delete of Alt URL ${row.id}`)
    : res?.kind === "error"
      ? res.error
      : new ToolError({
          code: "VERIFY_FAILED",
          message: "VICIdial reported the delete, but the row is still listed.",
          cause: "Another change happened at the same moment, or the admin page deleted a different row.",
          fix: `Call list_alt_urls on campaign ${campaign} to see the current rows.`,
        });
  throw row.active ? stoppedAfterDisable(row, why, finish) : why;
}

/** removeRow with its audit line (success or failure). */
export function deleteRowAudited(s: Services, tool: string, campaign: string, type: UrlType, row: AltUrl): Promise<{ warnings: string[] }> {
  return audited(s, { tool, campaign_id: campaign, url_type: type, action: "deleted", id: row.id, before: row, after: null }, async () => ({
    warnings: await removeRow(s, campaign, type, row),
  }));
}
