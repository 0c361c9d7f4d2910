/**
 * VICIdial's Alt URL admin page (`admin_url_multi.php`): the only way to
 * delete an Alt URL, and the only way to reach in-group and list Alt URLs at
 * all (facts §9). HTTP Basic auth; every 401 counts as a failed login, so the
 * page is only used once the API has shown the user is level 8 or more (the
 * callers see to that) and every answer goes through the login gate.
 */
import { ToolError } from "../common/errors.js";
import type { EntryRef, UrlType } from "../common/model.js";
import { unknownOutcome } from "./api.js";
import { ADMIN_PATH, type PlannedRequest, type VicidialConnection } from "./connection.js";
import { altModeOff } from "./entryErrors.js";
import { type AdminAnswer, parseAdminAnswer } from "./parseAdmin.js";
import type { StoreDelete } from "./stores.js";

/** All seven editable fields: MODIFY writes every one of them (facts §9.4). */
export interface AdminFields {
  active: "Y" | "N";
  url_rank: number;
  url_statuses: string;
  url_lists: string;
  url_call_length: number;
  url_description: string;
  url_address: string;
}

type Action = "URL_MULTI_NEW" | "URL_MULTI_MODIFY" | "URL_MULTI_DELETE";

function base(entry: EntryRef, urlType: UrlType): [string, string][] {
  return [
    ["campaign_id", entry.id],
    ["entry_type", entry.type],
    ["url_type", urlType],
  ];
}

function newFields(f: AdminFields): [string, string][] {
  // NEW stores neither lists nor min length: the caller follows with a MODIFY.
  return [
    ["active", f.active],
    ["url_rank", String(f.url_rank)],
    ["url_statuses", f.url_statuses],
    ["url_description", f.url_description],
    ["url_address", f.url_address],
  ];
}

function allFields(f: AdminFields): [string, string][] {
  return [
    ["active", f.active],
    ["url_rank", String(f.url_rank)],
    ["url_statuses", f.url_statuses],
    ["url_lists", f.url_lists],
    ["url_call_length", String(f.url_call_length)],
    ["url_description", f.url_description],
    ["url_address", f.url_address],
  ];
}

export class AdminPage {
  /**
   * `guard` runs before every request: it must resolve only once the API has
   * shown the user is level 8 or more, since a 401 here is a failed login.
   */
  constructor(
    private readonly conn: VicidialConnection,
    private readonly guard: () => Promise<void> = async () => {},
  ) {}

  private params(entry: EntryRef, urlType: UrlType, action: Action | null, extra: [string, string][]): [string, string][] {
    return [...(action ? ([["action", action]] as [string, string][]) : []), ...base(entry, urlType), ...extra];
  }

  private async send(
    entry: EntryRef,
    urlType: UrlType,
    params: [string, string][],
    describe: string,
    write: boolean,
  ): Promise<AdminAnswer> {
    await this.guard();
    return this.conn.authenticated<AdminAnswer>({
      request: this.conn.pageRequest(ADMIN_PATH, params),
      describe,
      read: !write,
      judge: (res) => {
        const answer = parseAdminAnswer(res, { what: describe, entryType: entry.type, urlType, campaignId: entry.id });
        if (answer.kind !== "error") return { value: answer, login: "good" };
        return { error: write && answer.login === "neutral" ? unknownOutcome(answer.error) : answer.error, login: answer.login };
      },
    });
  }

  planNew(entry: EntryRef, urlType: UrlType, f: AdminFields): PlannedRequest {
    return this.conn.plan(ADMIN_PATH, this.params(entry, urlType, "URL_MULTI_NEW", newFields(f)));
  }

  planModify(entry: EntryRef, urlType: UrlType, id: number | "(new id)", f: AdminFields): PlannedRequest {
    return this.conn.plan(ADMIN_PATH, this.params(entry, urlType, "URL_MULTI_MODIFY", [["url_id", String(id)], ...allFields(f)]));
  }

  planDelete(entry: EntryRef, urlType: UrlType, id: number): PlannedRequest {
    return this.conn.plan(ADMIN_PATH, this.params(entry, urlType, "URL_MULTI_DELETE", [["url_id", String(id)]]));
  }

  listing(entry: EntryRef, urlType: UrlType): Promise<AdminAnswer> {
    return this.send(entry, urlType, this.params(entry, urlType, null, []), `the Alt URL listing of ${entry.type} ${entry.id}`, false);
  }

  add(entry: EntryRef, urlType: UrlType, f: AdminFields): Promise<AdminAnswer> {
    return this.send(
      entry,
      urlType,
      this.params(entry, urlType, "URL_MULTI_NEW", newFields(f)),
      `the new Alt URL on ${entry.type} ${entry.id}`,
      true,
    );
  }

  modify(entry: EntryRef, urlType: UrlType, id: number, f: AdminFields): Promise<AdminAnswer> {
    return this.send(
      entry,
      urlType,
      this.params(entry, urlType, "URL_MULTI_MODIFY", [["url_id", String(id)], ...allFields(f)]),
      `the change of Alt URL ${id} on ${entry.type} ${entry.id}`,
      true,
    );
  }

  /** Deletes only an inactive row (facts §9.4). */
  delete(entry: EntryRef, urlType: UrlType, id: number): Promise<AdminAnswer> {
    return this.send(
      entry,
      urlType,
      this.params(entry, urlType, "URL_MULTI_DELETE", [["url_id", String(id)]]),
      `the delete of Alt URL ${id}`,
      true,
    );
  }

  /** Delete an inactive row and say what the page answered (both stores delete this way). */
  async deleteInactive(entry: EntryRef, urlType: UrlType, id: number): Promise<StoreDelete> {
    const answer = await this.delete(entry, urlType, id);
    if (answer.kind === "listing" && answer.notice === "deleted" && answer.noticeId === id) return { kind: "deleted" };
    if (answer.kind === "listing" && answer.notice === "delete_refused") {
      return {
        kind: "refused",
        error: new ToolError({
          code: "ALT_URL_NOT_FOUND",
          message: "VICIdial would not delete the Alt URL: it is still active or it does not exist.",
          cause: "The admin page deletes only inactive rows, and gives the same answer for a row that is not there.",
          fix: "Call list_alt_urls to see whether the row still exists and its state, then call delete_alt_url again.",
          vicidialResponse: answer.line,
        }),
      };
    }
    if (answer.kind === "not_alt") return { kind: "refused", error: altModeOff(entry, urlType, answer.line) };
    return { kind: "unclear" };
  }

  /** The page without campaign_id: proves login and rights there, changes nothing. */
  async probe(): Promise<AdminAnswer> {
    await this.guard();
    return this.conn.authenticated<AdminAnswer>({
      request: this.conn.pageRequest(ADMIN_PATH, [["action", "URL_MULTI_DELETE"]]),
      describe: "the admin page probe",
      read: true,
      judge: (res) => {
        const answer = parseAdminAnswer(res, { what: "the admin page probe", entryType: "campaign", urlType: "dispo", campaignId: "" });
        return answer.kind === "error" ? { error: answer.error, login: answer.login } : { value: answer, login: "good" };
      },
    });
  }
}
