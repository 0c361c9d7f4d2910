/**
 * The bookkeeping of list_url_deliveries while the report streams by: the
 * newest `limit` deliveries that pass the filters (a ring, so a day of
 * 100,000 rows never piles up), counts per outcome and per Alt URL, and the
 * slowest fetches. What is kept is copied out of the report's text (so no
 * kept piece holds a whole chunk of the CSV alive) and cut to what the
 * result can show; secrets are masked only when the result is built, on the
 * few deliveries it shows, and always before the response is cut to 500.
 */
import type { UrlLogRecord } from "../client/parseUrlLog.js";
import type { DeliveryUrlType } from "../client/urlLogReport.js";
import { MASK, maskValues } from "../common/redact.js";
import type { DeliveryOutcome, ReadOutcome } from "./deliveryOutcome.js";
import { phpUrlencode } from "./templateVars.js";
import { type Attribution, type DetachedAttribution, reattach } from "./urlAttribution.js";

export const RESPONSE_CHARS = 500;
const SLOWEST = 5;

/** One delivery as list_url_deliveries returns it. */
export interface Delivery {
  logged_at: string;
  url_type: DeliveryUrlType;
  uniqueid: string;
  alt_url_id: number | null;
  campaign_id: string | null;
  entry_type: string | null;
  url: string;
  response_sec: number;
  outcome: DeliveryOutcome;
  response: string;
  error: string | null;
  variables: Record<string, string>;
}

/**
 * A delivery as kept while reading: its own copies of the text (response cut
 * to what masking can need) and its row, but not the values read from the
 * URL: those are read again from the copy when the result is built.
 */
interface Kept {
  record: UrlLogRecord;
  att: DetachedAttribution | null;
  read: ReadOutcome;
}

/**
 * A secret as it may appear in a logged response: VICIdial removes every `;`
 * from a dispo answer, and its CSV deletes spaces next to a `"`, so a target
 * that echoes a password shows it changed that way.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const squeeze = (v: string) => v.replace(/ +"/g, '"').replace(/" +/g, '"');
  const out = new Set<string>();
  for (const v of secrets) {
    if (!v) continue;
    for (const f of [v, squeeze(v), v.replace(/;/g, ""), squeeze(v.replace(/;/g, ""))]) if (f) out.add(f);
  }
  return [...out];
}

/**
 * A copy of a string that owns its characters. A piece cut out of the
 * report's text (a V8 sliced string) keeps the whole chunk it came from
 * alive; concatenating and slicing again makes V8 copy just the piece.
 */
const own = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));

/**
 * How much of a response to keep so that masking it and then cutting at 500
 * gives what masking the whole would: 500 characters of output hold at most
 * 500/3 + 1 masks, each standing for at most the longest secret form.
 */
function keepChars(secrets: readonly string[]): number {
  // An encoded form is at most 6 characters per UTF-16 unit (a 4-byte character is 2 units, 12 characters).
  const longest = secrets.reduce((n, s) => Math.max(n, s.length * 6), 0);
  return RESPONSE_CHARS + (RESPONSE_CHARS / MASK.length + 2) * longest;
}

class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(readonly capacity: number) {}
  push(item: T): void {
    if (this.capacity === 0) return;
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }
  /** Newest first. */
  newestFirst(): T[] {
    if (this.items.length < this.capacity) return [...this.items].reverse();
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)].reverse();
  }
}

export interface AltUrlCount {
  alt_url_id: number | null;
  campaign_id: string | null;
  entry_type: string | null;
  total: number;
  answered: number;
  failed: number;
  not_fetched: number;
}

export class DeliveryTally {
  total = 0;
  readonly byOutcome: Record<DeliveryOutcome, number> = { answered: 0, failed: 0, not_fetched: 0 };
  private readonly byAltUrl = new Map<object | null, AltUrlCount>();
  private readonly slowest: Kept[] = [];
  /** Newest first, across the days read so far (days are read newest first). */
  private readonly kept: Kept[] = [];
  private day: Ring<Kept> | null = null;
  ambiguous = 0;
  readonly ambiguousRows = new Set<number>();

  constructor(private readonly opts: { limit: number; urlType: DeliveryUrlType; secrets: readonly string[] }) {}

  /** Days are read newest first: a day's ring only needs what the newer days left room for. */
  startDay(): void {
    this.day = new Ring(Math.max(0, this.opts.limit - this.kept.length));
  }

  endDay(): void {
    if (this.day) this.kept.push(...this.day.newestFirst());
    this.day = null;
  }

  add(record: UrlLogRecord, att: Attribution | null, read: ReadOutcome): void {
    this.total++;
    this.byOutcome[read.outcome]++;
    const key = att ? att.row : null;
    let count = this.byAltUrl.get(key);
    if (!count) {
      count = {
        alt_url_id: att?.row.id ?? null,
        campaign_id: att?.row.campaign_id ?? null,
        entry_type: att?.row.entry_type ?? null,
        total: 0,
        answered: 0,
        failed: 0,
        not_fetched: 0,
      };
      this.byAltUrl.set(key, count);
    }
    count.total++;
    count[read.outcome]++;
    if (att && att.alsoFits.length > 0) {
      this.ambiguous++;
      for (const id of [att.row.id, ...att.alsoFits]) if (this.ambiguousRows.size < 10) this.ambiguousRows.add(id);
    }
    const ring = this.day;
    const slow =
      record.response_sec > 0 && (this.slowest.length < SLOWEST || record.response_sec > this.slowest.at(-1)!.record.response_sec);
    if ((!ring || ring.capacity === 0) && !slow) return;
    const kept = this.keep(record, att, read);
    ring?.push(kept);
    if (slow) {
      this.slowest.push(kept);
      this.slowest.sort((a, b) => b.record.response_sec - a.record.response_sec);
      if (this.slowest.length > SLOWEST) this.slowest.pop();
    }
  }

  private keep(record: UrlLogRecord, att: Attribution | null, read: ReadOutcome): Kept {
    const secrets = att?.carriesCredentials ? [...this.opts.secrets, ...att.secrets()] : this.opts.secrets;
    const response = read.response.length > RESPONSE_CHARS ? read.response.slice(0, keepChars(secrets)) : read.response;
    return {
      record: {
        uniqueid: own(record.uniqueid),
        url_date: own(record.url_date),
        url_type: record.url_type,
        response_sec: record.response_sec,
        url: own(record.url),
        url_response: "",
      },
      att: att ? att.detach() : null,
      read: { outcome: read.outcome, response: own(response), error: read.error },
    };
  }

  /** The deliveries to show, newest first, secrets masked, each response cut at 500 characters. */
  deliveries(): Delivery[] {
    return this.kept.slice(0, this.opts.limit).map((k) => this.shown(k));
  }

  get truncated(): boolean {
    return this.total > Math.min(this.kept.length, this.opts.limit);
  }

  private shown(k: Kept): Delivery {
    const att = k.att ? reattach(k.att, k.record.url) : null;
    // The server's password in every form; an agent's exactly as the URL held it (and as a response may echo it).
    const agent = (att?.secrets() ?? []).flatMap((v) => [v, phpUrlencode(v), encodeURIComponent(v)]);
    const exact = secretForms([...this.opts.secrets, ...agent]);
    const mask = (text: string) => maskValues(text, this.opts.secrets, exact);
    const variables: Record<string, string> = {};
    for (const [name, value] of Object.entries(att?.variables() ?? {})) {
      variables[name] = /^(pass|phone_pass)$/i.test(name) && value !== "" ? MASK : mask(value);
    }
    return {
      logged_at: k.record.url_date,
      url_type: this.opts.urlType,
      uniqueid: k.record.uniqueid,
      alt_url_id: att?.row.id ?? null,
      campaign_id: att?.row.campaign_id ?? null,
      entry_type: att?.row.entry_type ?? null,
      url: mask(k.record.url),
      response_sec: k.record.response_sec,
      outcome: k.read.outcome,
      // Masked first, then cut: a secret cut in two would no longer be found.
      response: mask(k.read.response).slice(0, RESPONSE_CHARS),
      error: k.read.error === null ? null : mask(k.read.error),
      variables,
    };
  }

  summary(unmatched: number) {
    return {
      total: this.total,
      by_outcome: { ...this.byOutcome },
      by_alt_url: [...this.byAltUrl.values()].sort((a, b) => b.total - a.total),
      unmatched,
      slowest: this.slowest.map((k) => {
        const d = this.shown(k);
        return {
          logged_at: d.logged_at,
          uniqueid: d.uniqueid,
          alt_url_id: d.alt_url_id,
          campaign_id: d.campaign_id,
          response_sec: d.response_sec,
          outcome: d.outcome,
          url: d.url,
        };
      }),
    };
  }
}
