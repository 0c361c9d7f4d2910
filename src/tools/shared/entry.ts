/**
 * The start of every tool that names one entry: which system, the entry's id
 * as VICIdial spells it, checked against the server's restrictions before
 * any request leaves.
 */

import type { EntryType, UrlType } from "../../common/model.js";
import { checkEntryId, type ResolvedEntry } from "../../domain/entries.js";
import type { Services } from "../../domain/runtime.js";
import type { VicidialSystem } from "../../domain/system.js";
import { idText } from "./schemas.js";

export interface EntryArgs {
  campaign_id: string | number;
  entry_type: EntryType;
  url_type?: UrlType;
  system?: string;
}

export async function resolveEntry(s: Services, a: EntryArgs, field = "campaign_id"): Promise<ResolvedEntry & { sys: VicidialSystem }> {
  const sys = s.system(a.system);
  const id = idText(a.campaign_id);
  checkEntryId(id, a.entry_type, field);
  const { entry, name, warnings } = await sys.entries.resolve({ id, type: a.entry_type, urlType: a.url_type, field });
  // Built whole, not `{ ...resolved, sys }`: on Node 20 a property added to a spread copy costs a hidden class per call.
  return { entry, name, warnings, sys };
}

/** The warning every write of an addlead row carries (facts §11.5). */
export function addleadWarning(urlType: UrlType): string[] {
  return urlType === "addlead"
    ? [
        "addlead Alt URLs are stored, but VICIdial 2.14 never reads them: only the in-group's plain Add Lead URL is called (and ALT there switches it off). This row will not fire.",
      ]
    : [];
}
