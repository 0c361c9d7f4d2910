/**
 * Campaign ids as VICIdial spells them. VICIdial compares ids without regard
 * to case but stores rows as written (facts §6), so every request uses the
 * canonical id from campaigns_list. VICIDIAL_ALLOWED_CAMPAIGNS is applied here,
 * before any request is sent.
 */

import type { CampaignRow } from "../client/parse.js";
import type { VicidialClient } from "../client/vicidial.js";
import { ToolError } from "../shared/errors.js";

const CACHE_MS = 30_000;

export interface ResolvedCampaign {
  id: string;
  /** Null when campaigns_list could not be read (the id is then used as given). */
  row: CampaignRow | null;
  warnings: string[];
}

export class CampaignDirectory {
  private cache: { at: number; rows: Promise<CampaignRow[]> } | null = null;

  constructor(
    private readonly client: VicidialClient,
    private readonly allowed: string[] | null,
    private readonly now: () => number = Date.now,
  ) {}

  isAllowed(id: string): boolean {
    return this.allowed === null || this.allowed.includes(id.toUpperCase());
  }

  /** Refuse a campaign outside VICIDIAL_ALLOWED_CAMPAIGNS; sends nothing. */
  assertAllowed(id: string, field = "campaign_id"): void {
    if (this.isAllowed(id)) return;
    throw new ToolError({
      code: "CAMPAIGN_NOT_ALLOWED",
      field,
      message: `Campaign ${id} is outside the campaigns this server may touch.`,
      cause: `VICIDIAL_ALLOWED_CAMPAIGNS limits this server to: ${this.allowed!.join(", ")}. Nothing was sent to VICIdial.`,
      fix: "Use one of those campaigns, or ask whoever runs this server to add the campaign to VICIDIAL_ALLOWED_CAMPAIGNS.",
    });
  }

  async all(): Promise<CampaignRow[]> {
    const t = this.now();
    if (!this.cache || t - this.cache.at > CACHE_MS) {
      const rows = this.client.campaignsList();
      this.cache = { at: t, rows };
      rows.catch(() => {
        if (this.cache?.rows === rows) this.cache = null;
      });
    }
    return this.cache.rows;
  }

  /** The campaigns this user sees, filtered by VICIDIAL_ALLOWED_CAMPAIGNS. */
  async visible(): Promise<CampaignRow[]> {
    return (await this.all()).filter((c) => this.isAllowed(c.campaign_id));
  }

  forget(): void {
    this.cache = null;
  }

  async resolve(input: string, field = "campaign_id"): Promise<ResolvedCampaign> {
    this.assertAllowed(input, field);
    let rows: CampaignRow[];
    try {
      rows = await this.all();
    } catch (err) {
      // Without "View Reports" campaigns_list is refused; the Alt URL calls may still work.
      if (err instanceof ToolError && err.code === "PERMISSION_DENIED") {
        return {
          id: input,
          row: null,
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
          "No campaign has this id, or the API user's group may not see it. In-groups and lists cannot be reached through VICIdial's API. Nothing was changed.",
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
    this.assertAllowed(row.campaign_id, field);
    return { id: row.campaign_id, row, warnings: [] };
  }
}
