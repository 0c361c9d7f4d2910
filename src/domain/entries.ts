/**
 * Campaign, in-group and list ids as VICIdial spells them, and the rules that
 * apply before any request: VICIDIAL_ALLOWED_CAMPAIGNS (for all three kinds:
 * the admin page does not apply the user group's allowed campaigns, so this
 * server must) and the URL types each entry type has. VICIdial compares ids
 * without regard to case but stores rows as written (facts §6), so requests
 * use the canonical spelling where VICIdial can tell it.
 */
import type { VicidialApi } from "../client/api.js";
import type { CampaignRow, IngroupRow } from "../client/parse.js";
import { invalidInput, ToolError } from "../common/errors.js";
import { type EntryRef, type EntryType, entryWord, URL_TYPES_BY_ENTRY, type UrlType } from "../common/model.js";

const CACHE_MS = 30_000;

const ID_RULE: Record<EntryType, { re: RegExp; text: string; example: string }> = {
  campaign: { re: /^[A-Za-z0-9_-]{2,8}$/, text: "a campaign id is 2 to 8 letters, digits, - or _", example: '"2001"' },
  ingroup: { re: /^[A-Za-z0-9_-]{2,20}$/, text: "an in-group id is 2 to 20 letters, digits, - or _", example: '"SALESLINE"' },
  list: { re: /^\d{1,19}$/, text: "a list id is digits", example: '"1001"' },
};

/** Refuse an id that cannot name an entry of this type; sends nothing. */
export function checkEntryId(id: string, type: EntryType, field = "campaign_id"): void {
  const rule = ID_RULE[type];
  if (rule.re.test(id)) return;
  throw invalidInput(
    field,
    `"${id}" is not a${type === "ingroup" ? "n in-group" : ` ${type}`} id: ${rule.text}.`,
    `Give the id exactly as VICIdial shows it, e.g. ${rule.example}, and check entry_type.`,
  );
}

export interface ResolvedEntry {
  entry: EntryRef;
  /** The campaign or in-group's name where VICIdial listed it. */
  name: string | null;
  warnings: string[];
}

/** A cached read that is forgotten when it fails. */
class Cached<T> {
  private at = 0;
  private value: Promise<T> | null = null;
  constructor(
    private readonly load: () => Promise<T>,
    private readonly now: () => number,
  ) {}
  get(): Promise<T> {
    const t = this.now();
    if (!this.value || t - this.at > CACHE_MS) {
      const p = this.load();
      this.value = p;
      this.at = t;
      p.catch(() => {
        if (this.value === p) this.value = null;
      });
    }
    return this.value;
  }
  forget(): void {
    this.value = null;
  }
}

export class EntryDirectory {
  private readonly campaigns: Cached<CampaignRow[]>;
  private readonly ingroups: Cached<IngroupRow[]>;

  constructor(
    api: VicidialApi,
    private readonly allowed: string[] | null,
    now: () => number = Date.now,
  ) {
    this.campaigns = new Cached(() => api.campaignsList(), now);
    this.ingroups = new Cached(() => api.ingroupList(), now);
  }

  isAllowed(id: string): boolean {
    return this.allowed === null || this.allowed.includes(id.toUpperCase());
  }

  /** Refuse an id outside VICIDIAL_ALLOWED_CAMPAIGNS; sends nothing. */
  assertAllowed(id: string, type: EntryType = "campaign", field = "campaign_id"): void {
    if (this.isAllowed(id)) return;
    throw new ToolError({
      code: "CAMPAIGN_NOT_ALLOWED",
      field,
      message: `${entryWord(type)[0]!.toUpperCase()}${entryWord(type).slice(1)} ${id} is outside the entries this server may touch.`,
      cause: `VICIDIAL_ALLOWED_CAMPAIGNS limits this server to: ${this.allowed!.join(", ")} (it applies to campaign, in-group and list ids alike). Nothing was sent to VICIdial.`,
      fix: "Use one of those ids, or ask whoever runs this server to add this one to VICIDIAL_ALLOWED_CAMPAIGNS.",
    });
  }

  /** Refuse a URL type the entry type does not have; sends nothing. */
  assertUrlType(type: EntryType, urlType: UrlType, field = "url_type"): void {
    const allowed = URL_TYPES_BY_ENTRY[type];
    if (allowed.includes(urlType)) return;
    throw invalidInput(
      field,
      `${entryWord(type)} Alt URLs have no type ${urlType}.`,
      `Use url_type ${allowed.join(", ")} for a ${entryWord(type)} (campaigns: dispo, start, noagent; in-groups also addlead; lists only noagent).`,
    );
  }

  allCampaigns(): Promise<CampaignRow[]> {
    return this.campaigns.get();
  }

  /** The campaigns this user sees, filtered by VICIDIAL_ALLOWED_CAMPAIGNS. */
  async visibleCampaigns(): Promise<CampaignRow[]> {
    return (await this.campaigns.get()).filter((c) => this.isAllowed(c.campaign_id));
  }

  /** The active in-groups this user may see, filtered by VICIDIAL_ALLOWED_CAMPAIGNS. */
  async visibleIngroups(): Promise<IngroupRow[]> {
    return (await this.ingroups.get()).filter((g) => this.isAllowed(g.id));
  }

  forget(): void {
    this.campaigns.forget();
    this.ingroups.forget();
  }

  async resolve(opts: { id: string; type: EntryType; urlType?: UrlType; field?: string }): Promise<ResolvedEntry> {
    const field = opts.field ?? "campaign_id";
    if (opts.urlType !== undefined) this.assertUrlType(opts.type, opts.urlType);
    this.assertAllowed(opts.id, opts.type, field);
    if (opts.type === "campaign") return this.resolveCampaign(opts.id, field);
    if (opts.type === "list") {
      if (!/^\d{1,19}$/.test(opts.id)) {
        throw invalidInput(
          field,
          `"${opts.id}" is not a list id (list ids are digits).`,
          'Give the list id from VICIdial Admin > Lists > Show Lists, e.g. "1001".',
        );
      }
      return { entry: { id: opts.id, type: "list" }, name: null, warnings: [] };
    }
    return this.resolveIngroup(opts.id, field);
  }

  private async resolveCampaign(input: string, field: string): Promise<ResolvedEntry> {
    let rows: CampaignRow[];
    try {
      rows = await this.campaigns.get();
    } catch (err) {
      // Without "View Reports" campaigns_list is refused; the Alt URL calls may still work.
      if (err instanceof ToolError && err.code === "PERMISSION_DENIED") {
        return {
          entry: { id: input, type: "campaign" },
          name: null,
          warnings: [
            `Could not confirm how VICIdial spells campaign ${input} (campaigns_list needs "View Reports" = 1 for the API user); it was used exactly as given.`,
          ],
        };
      }
      throw err;
    }
    const row = rows.find((c) => c.campaign_id.toUpperCase() === input.toUpperCase());
    if (!row) {
      throw new ToolError({
        code: "CAMPAIGN_NOT_FOUND",
        field,
        message: `VICIdial has no campaign ${input} that this API user may see.`,
        cause:
          "No campaign has this id, or the API user's group may not see it. If it is an in-group or a list, say so with entry_type ingroup or list. Nothing was changed.",
        fix: `Call list_campaigns for the ids this user can reach${
          rows.length
            ? ` (for example ${rows
                .slice(0, 5)
                .map((c) => c.campaign_id)
                .join(", ")})`
            : ""
        }. To reach another campaign add it to "Allowed Campaigns" in VICIdial Admin > User Groups > (the API user's group).`,
      });
    }
    this.assertAllowed(row.campaign_id, "campaign", field);
    return { entry: { id: row.campaign_id, type: "campaign" }, name: row.campaign_name, warnings: [] };
  }

  private async resolveIngroup(input: string, field: string): Promise<ResolvedEntry> {
    let rows: IngroupRow[] | null = null;
    try {
      rows = await this.ingroups.get();
    } catch (err) {
      if (!(err instanceof ToolError) || err.code !== "PERMISSION_DENIED") throw err;
    }
    const row = rows?.find((g) => g.id.toUpperCase() === input.toUpperCase());
    if (row) {
      this.assertAllowed(row.id, "ingroup", field);
      return { entry: { id: row.id, type: "ingroup" }, name: row.name, warnings: [] };
    }
    // Inactive in-groups, and those outside the group's viewable ones, are not listed; the admin page still reaches them.
    const warnings =
      rows === null
        ? [
            `Could not confirm how VICIdial spells in-group ${input} (ingroup_list is not among the API user's allowed functions); it was used exactly as given.`,
          ]
        : [];
    return { entry: { id: input, type: "ingroup" }, name: null, warnings };
  }
}
