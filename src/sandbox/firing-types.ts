/**
 * Public types of the sandbox's dispo-firing simulator (a sandbox control,
 * not part of VICIdial): what a simulated disposition takes and returns.
 */

/** A template variable's value as a caller gives it. */
export type TemplateValue = string | number | boolean | null | undefined;

export interface FireDispositionInput {
  /** the campaign the agent is logged into */
  campaign_id: string;
  /**
   * the in-group of an inbound call (the agent screen's `stage`); absent, or
   * no in-group's id, means an outbound call
   */
  ingroup_id?: string;
  /** the status the agent picked (`dispo_choice`), case-sensitive */
  status: string;
  /** lead_id and list_id, plus any template variable by name (first_name, phone_number, user, ...) */
  lead: { lead_id: string | number; list_id: string | number; [name: string]: TemplateValue };
  /** talk seconds of the agent's log row */
  talk_sec: number;
  /** dead seconds of the agent's log row (talk time is talk_sec - dead_sec, at least 0) */
  dead_sec?: number;
  /** the agent scheduled a callback: the agent screen then sends `CBHOLD` as the status */
  callback?: boolean;
  /** false: the agent's browser never asks for the fetch, so the rows stay queued and empty (default true) */
  browser_fetches?: boolean;
  /** the call's Asterisk uniqueid; default made from the clock */
  uniqueid?: string;
  /** longest silence per fetch before it fails as a timeout; default the sandbox's fetchTimeoutMs */
  fetch_timeout_ms?: number;
}

/** Which dispo URL setting the call used (VICIdial's campaign or in-group `dispo_call_url`). */
export interface FiringSetting {
  entry_type: "campaign" | "ingroup";
  id: string;
  dispo_call_url: string;
}

export interface QueuedUrl {
  url_log_id: number;
  /** the Alt URL row that fired; null for a plain (non-ALT) dispo URL */
  url_id: number | null;
  url: string;
}

/** An active Alt URL row that was read but did not pass a filter. */
export interface SkippedAltUrl {
  url_id: number;
  reason: "status" | "list" | "call_length";
}

export interface FetchedUrl {
  url_log_id: number;
  url: string;
  response_sec: number;
  url_response: string;
  /** answered: a body came back; failed: the row holds a PHP ERROR */
  outcome: "answered" | "failed";
}

export interface FireDispositionResult {
  uniqueid: string;
  setting: FiringSetting;
  /** the status the rows were matched against (`CBHOLD` for a callback) */
  status: string;
  /** talk_sec - dead_sec, at least 0 */
  talk_time: number;
  /** the log rows inserted, in firing order */
  queued: QueuedUrl[];
  url_log_ids: number[];
  skipped: SkippedAltUrl[];
  /** one per queued row, in order; empty when browser_fetches is false */
  fetched: FetchedUrl[];
}
