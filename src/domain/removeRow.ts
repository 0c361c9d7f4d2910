/**
 * Deleting one Alt URL takes VICIdial two steps: switch the row off, then
 * delete it through the admin page (it deletes only inactive rows). Every
 * lost answer is settled by listing again, never by resending, and an error
 * says exactly which state the row was left in.
 */
import type { TransportError } from "../client/transport.js";
import { ToolError } from "../common/errors.js";
import { type AltUrl, entryLabel, valuesOf } from "../common/model.js";
import { isUnknownOutcome, notApplied, stillUnknown } from "./outcomes.js";
import type { EntrySession } from "./writer.js";

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

/** Switch off `row` if needed, delete it, prove it is gone. Returns warnings worth reporting. */
export async function removeRow(s: EntrySession, row: AltUrl): Promise<string[]> {
  const label = entryLabel(s.entry);
  const finish = `call delete_alt_url for ${label} with id ${row.id}`;
  if (row.active) {
    let offLost: TransportError | null = null;
    try {
      await s.store.change(s.entry, s.urlType, row, { ...valuesOf(row), active: false });
    } catch (err) {
      // A lost answer is settled by the list below; anything else stops here, nothing deleted.
      if (!isUnknownOutcome(err)) throw err;
      offLost = err;
    }
    let now: AltUrl | undefined;
    try {
      now = (await s.relist()).find((r) => r.id === row.id);
    } catch (err) {
      if (offLost) throw stillUnknown(offLost, `the switch-off of Alt URL ${row.id} (nothing was deleted)`, s.entry);
      throw err;
    }
    if (!now) return ["The row disappeared while it was being switched off (someone else deleted it)."];
    if (now.active) {
      if (offLost) throw notApplied(offLost, `the switch-off of Alt URL ${row.id} before deleting it`, s.entry, new Date());
      throw new ToolError({
        code: "VERIFY_FAILED",
        message: `Alt URL ${row.id} could not be switched off before deleting it; it is unchanged and still active.`,
        cause: "VICIdial deletes only inactive rows, and the row did not become inactive.",
        fix: `Call list_alt_urls on ${label} to check the row, then ${finish} again.`,
      });
    }
  }
  let result: Awaited<ReturnType<typeof s.store.deleteInactive>> | null = null;
  let lost: TransportError | null = null;
  try {
    result = await s.store.deleteInactive(s.entry, s.urlType, { ...row, active: false });
  } catch (err) {
    if (!isUnknownOutcome(err)) throw row.active && err instanceof ToolError ? stoppedAfterDisable(row, err, finish) : err;
    lost = err;
  }
  let after: AltUrl[];
  try {
    after = await s.relist();
  } catch (err) {
    if (lost) throw stillUnknown(lost, `the delete of Alt URL ${row.id}`, s.entry);
    if (result?.kind === "deleted" && err instanceof ToolError) {
      throw new ToolError({
        code: err.code,
        message: `VICIdial reported Alt URL ${row.id} deleted, but listing ${label} again to confirm failed: ${err.message}`,
        cause: err.reason,
        fix: "Call list_alt_urls to confirm the row is gone before doing anything else.",
        vicidialResponse: err.vicidialResponse,
      });
    }
    throw err;
  }
  if (!after.some((r) => r.id === row.id)) {
    if (lost) return ["VICIdial's answer to the delete was lost; listing again showed the row is gone."];
    if (result?.kind !== "deleted")
      return ["VICIdial's admin page did not give its usual answer, but listing again shows the row is gone."];
    return [];
  }
  const why = lost
    ? notApplied(lost, `the delete of Alt URL ${row.id}`, s.entry, new Date())
    : result?.kind === "refused"
      ? result.error
      : new ToolError({
          code: "VERIFY_FAILED",
          message: "VICIdial reported the delete, but the row is still listed.",
          cause: "Another change happened at the same moment, or the admin page deleted a different row.",
          fix: `Call list_alt_urls on ${label} to see the current rows.`,
        });
  throw row.active ? stoppedAfterDisable(row, why, finish) : why;
}
