/**
 * Export: the live Alt URLs of some entries as a configuration document that
 * plan and apply take as it is (applying it right away changes nothing).
 * Every field is written out, defaults included, so a reviewer sees the
 * whole row; statuses and lists in flow style ([SALE, PSALE]).
 */
import { unsendableStatusChars } from "../client/apiStore.js";
import { type AltUrl, type EntryType, entryLabel, type UrlType } from "../common/model.js";
import { loadYaml } from "./configYaml.js";
import { checkEntryId } from "./entries.js";
import type { Services } from "./runtime.js";

export interface ExportRequest {
  system?: string;
  campaign_id: string;
  entry_type: EntryType;
  url_type: UrlType;
}

export interface ExportRow {
  statuses: string[];
  url: string;
  active: boolean;
  rank: number;
  description: string;
  lists: string[];
  min_call_length: number;
}

export interface ExportEntry {
  system?: string;
  campaign_id: string;
  entry_type: EntryType;
  url_type: UrlType;
  prune: boolean;
  alt_urls: ExportRow[];
}

export interface ExportResult {
  document: string;
  entries: ExportEntry[];
  warnings: string[];
}

function exportRow(r: AltUrl): ExportRow {
  return {
    statuses: r.statuses,
    url: r.url,
    active: r.active,
    rank: r.rank,
    description: r.description,
    lists: r.lists,
    min_call_length: r.min_call_length,
  };
}

/**
 * The entries' rows as a document. Without `entries`: the dispo rows of
 * every campaign the API user may see (and VICIDIAL_ALLOWED_CAMPAIGNS allows)
 * on `system`. All or nothing: an entry that cannot be read fails the export,
 * since a document missing it would mislead.
 */
export async function exportDocument(
  s: Services,
  opts: { system?: string; entries?: ExportRequest[]; prune: boolean },
): Promise<ExportResult> {
  const warnings: string[] = [];
  let wanted: (ExportRequest & { field: string })[];
  if (opts.entries?.length) {
    wanted = opts.entries.map((e, i) => ({ ...e, system: e.system ?? opts.system, field: `entries[${i}].campaign_id` }));
    wanted.forEach((w, i) => {
      checkEntryId(w.campaign_id, w.entry_type, w.field);
      s.system(w.system).entries.assertUrlType(w.entry_type, w.url_type, `entries[${i}].url_type`);
    });
  } else {
    const campaigns = await s.system(opts.system).entries.visibleCampaigns();
    wanted = campaigns.map((c, i) => ({
      system: opts.system,
      campaign_id: c.campaign_id,
      entry_type: "campaign",
      url_type: "dispo",
      field: `campaigns[${i}]`,
    }));
  }
  const several = s.systems.size > 1;
  const entries = await Promise.all(
    wanted.map(async (w): Promise<ExportEntry> => {
      const sys = s.system(w.system);
      const { entry, warnings: resolved } = await sys.entries.resolve({
        id: w.campaign_id,
        type: w.entry_type,
        urlType: w.url_type,
        field: w.field,
      });
      warnings.push(...resolved);
      const listing = await sys.storeFor(entry).list(entry, w.url_type);
      const rows: ExportRow[] = [];
      for (const r of listing.rows) {
        const bad = entry.type === "campaign" ? unsendableStatusChars(r.statuses) : [];
        if (bad.length) {
          // The API cannot write such a row, so a document naming it could never be applied; with prune false it is left alone.
          warnings.push(
            `Alt URL ${r.id} of ${entryLabel(entry)} was left out of the document: its statuses (${r.statuses.join(" ")}) hold ${bad.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send; manage it on VICIdial's admin pages.${opts.prune ? " prune: true would delete it: set prune: false on this entry to keep it." : ""}`,
          );
          continue;
        }
        if (/--A--(phone_)?pass--B--/i.test(r.url)) {
          warnings.push(
            `Alt URL ${r.id} of ${entryLabel(entry)} puts a password into its URL (--A--pass--B-- or --A--phone_pass--B--): plan and apply take this document only with allow_credential_variables: true.`,
          );
        }
        rows.push(exportRow(r));
      }
      return {
        ...(several ? { system: sys.name } : {}),
        campaign_id: entry.id,
        entry_type: entry.type,
        url_type: w.url_type,
        prune: opts.prune,
        alt_urls: rows,
      };
    }),
  );
  return { document: await documentYaml(entries, { system: opts.system ?? null }), entries, warnings };
}

/** The document's YAML text: `version: 1` and the entries, statuses and lists in flow style. */
export async function documentYaml(entries: ExportEntry[], o: { system: string | null }): Promise<string> {
  const { Document, isScalar, isSeq, visit } = await loadYaml();
  const doc = new Document({ version: 1, entries });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && (pair.key.value === "statuses" || pair.key.value === "lists") && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  doc.commentBefore = [
    ` Alt URLs, exported by vicidial-alturl-mcp${o.system ? ` from system ${o.system}` : ""}.`,
    " Rows are identified by entry, url_type and statuses. prune: true deletes rows of",
    " that entry and type that are not listed; entries not named here are never touched.",
    " Check with `vicidial-alturl-mcp plan FILE`, apply with `vicidial-alturl-mcp apply FILE`.",
  ].join("\n");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
