/**
 * How the writer states an outcome it had to establish by listing: a write
 * whose answer was lost, a value VICIdial stored differently, a row that
 * vanished. Every message says what is there now, never a guess.
 */
import { TransportError } from "../client/transport.js";
import { ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, entryLabel, type RowValues, sameStatusSet, VALUE_KEYS, type ValueKey } from "../common/model.js";

export type Changes = Record<string, { before: unknown; after: unknown }>;

export function isUnknownOutcome(err: unknown): err is TransportError {
  return err instanceof TransportError && err.outcomeUnknown;
}

function same(key: ValueKey, a: unknown, b: unknown): boolean {
  // Order carries no meaning in statuses or lists: VICIdial matches tokens.
  if ((key === "statuses" || key === "lists") && Array.isArray(a) && Array.isArray(b)) return sameStatusSet(a as string[], b as string[]);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field by field, what differs between a row and the values meant (only the keys `desired` holds). */
export function diff(before: AltUrl | null, desired: Partial<RowValues>): Changes {
  const changes: Changes = {};
  for (const k of VALUE_KEYS) {
    const want = desired[k];
    if (want === undefined) continue;
    const had = before ? before[k] : null;
    if (!same(k, had, want)) changes[k] = { before: had, after: want };
  }
  return changes;
}

/** After a write: the stored row must equal what was meant, field by field. */
export function verifyStored(stored: AltUrl | undefined, meant: RowValues, id: number, entry: EntryRef): AltUrl {
  if (!stored) {
    throw new ToolError({
      code: "VERIFY_FAILED",
      message: `VICIdial reported success, but Alt URL ${id} is not in the list of ${entryLabel(entry)} when read back.`,
      cause: "The row was changed or deleted by someone else at the same moment, or VICIdial wrote elsewhere.",
      fix: "Call list_alt_urls to see the current rows before changing anything else.",
    });
  }
  const off = diff(stored, meant);
  const keys = Object.keys(off);
  if (keys.length) {
    const detail = keys
      .map((k) => `${k}: meant ${JSON.stringify(off[k]!.after)}, VICIdial stored ${JSON.stringify(off[k]!.before)}`)
      .join("; ");
    throw new ToolError({
      code: "VERIFY_FAILED",
      field: keys[0],
      message: `VICIdial stored Alt URL ${id} differently from what was sent: ${detail}.`,
      cause:
        "VICIdial silently changes some values (it strips characters it does not keep), or someone changed the row at the same moment.",
      fix: `Call list_alt_urls to see the row as stored, then set_alt_url with id ${id} and a value VICIdial keeps.`,
    });
  }
  return stored;
}

/** A lost answer that listing could not settle either. */
export function stillUnknown(err: ToolError, what: string, entry: EntryRef): ToolError {
  return new ToolError({
    code: err.code,
    message: `${err.message} Whether ${what} happened could not be checked either: ${entryLabel(entry)} could not be listed afterwards.`,
    cause: err.reason,
    fix: `Call list_alt_urls to see whether ${what} happened before doing anything else; do not simply repeat the call.`,
    retryable: false,
    vicidialResponse: err.vicidialResponse,
  });
}

/**
 * A write whose answer was lost, and listing again shows it has not landed.
 * A timed-out request may still be applied late, so that case never says
 * "nothing changed" and is not offered for a blind retry.
 */
export function notApplied(err: TransportError, what: string, entry: EntryRef, listedAt: Date): ToolError {
  const at = listedAt.toISOString().slice(11, 19);
  if (err.code === "TIMEOUT") {
    return new ToolError({
      code: "TIMEOUT",
      message: `${err.message} The outcome is unknown: listing ${entryLabel(entry)} again (last at ${at} UTC) does not show ${what}, but VICIdial may still be working on the request and apply it late.`,
      cause: err.reason,
      fix: "Call list_alt_urls in a minute to see whether it landed. Only if it is still not there, call again (set_alt_url matches rows by their statuses, so it updates a row that landed late instead of adding a second one).",
      retryable: false,
      vicidialResponse: err.vicidialResponse,
    });
  }
  return new ToolError({
    code: err.code,
    message: `${err.message} Listing ${entryLabel(entry)} again (at ${at} UTC) shows ${what} was not applied: nothing changed.`,
    cause: err.reason,
    fix: "It is safe to call again once VICIdial answers normally.",
    retryable: true,
    vicidialResponse: err.vicidialResponse,
  });
}

/** The admin page stopped after its header: its database refused a value; nothing was written. */
export function databaseRefused(what: string, entry: EntryRef): ToolError {
  return new ToolError({
    code: "VERIFY_FAILED",
    message: `VICIdial's admin page stopped without an answer to ${what}, and listing ${entryLabel(entry)} again shows nothing changed.`,
    cause:
      "The admin page stops right after its header when its database refuses a value (strict SQL mode): a rank or minimum length out of range, a description or statuses too long.",
    fix: "Check the values against the limits in the tool's input schema and call again; look at the VICIdial web server's PHP error log if they are within them.",
  });
}

export function rowGone(id: number, entry: EntryRef, cause: string): ToolError {
  return new ToolError({
    code: "VERIFY_FAILED",
    field: "id",
    message: `Alt URL ${id} is gone from ${entryLabel(entry)}.`,
    cause,
    fix: "Call list_alt_urls to see the current rows before changing anything else.",
  });
}
