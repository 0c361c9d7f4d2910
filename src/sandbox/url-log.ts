/**
 * vicidial_url_log: every URL VICIdial queued or fetched for a call, and what
 * came back. The table is append-only apart from the fetch's update of
 * response_sec and url_response; an updated row is replaced, not changed in
 * place, so a report that took its rows before keeps a consistent snapshot.
 *
 * Rows are also indexed by day, because the report reads one day at a time
 * and a bench day may hold 100,000 rows.
 */
import { normaliseDateTime } from "./clock.js";
import type { NewUrlLogRow, SandboxReportLogRow, SandboxUrlLogRow } from "./types.js";

interface DayBucket {
  /** positions in the table, in table order */
  positions: number[];
  /** whether url_date never went down along positions (then no sort is needed) */
  inDateOrder: boolean;
}

export class UrlLog {
  private readonly rows: SandboxUrlLogRow[] = [];
  private readonly positionOf = new Map<number, number>();
  private readonly days = new Map<string, DayBucket>();
  private nextId = 1;
  /** days already known to be real dates, so bulk inserts skip the full date check */
  private readonly realDays = new Set<string>();

  constructor(rows: readonly SandboxUrlLogRow[] = []) {
    for (const row of rows) this.insert(row);
  }

  get size(): number {
    return this.rows.length;
  }

  /** Inserts a row (the next id unless one is given) and returns it. Throws on a bad date or a taken id. */
  insert(row: NewUrlLogRow): SandboxUrlLogRow {
    const id = row.url_log_id ?? this.nextId;
    if (!Number.isInteger(id) || id < 1) throw new Error(`vicidial_url_log: url_log_id must be a positive integer, got ${id}`);
    if (this.positionOf.has(id)) throw new Error(`vicidial_url_log: url_log_id ${id} is already taken`);
    const urlDate = this.checkedDate(row.url_date);
    if (urlDate === undefined) throw new Error(`vicidial_url_log: url_date must be YYYY-MM-DD HH:MM:SS, got "${row.url_date}"`);
    const stored: SandboxUrlLogRow = {
      url_log_id: id,
      uniqueid: row.uniqueid,
      url_date: urlDate,
      url_type: row.url_type,
      response_sec: row.response_sec ?? 0,
      url: row.url,
      url_response: row.url_response ?? "",
    };
    this.nextId = Math.max(this.nextId, id + 1);
    const position = this.rows.push(stored) - 1;
    this.positionOf.set(id, position);

    const day = urlDate.slice(0, 10);
    let bucket = this.days.get(day);
    if (!bucket) this.days.set(day, (bucket = { positions: [], inDateOrder: true }));
    const last = bucket.positions[bucket.positions.length - 1];
    if (last !== undefined && this.rows[last]!.url_date > urlDate) bucket.inDateOrder = false;
    bucket.positions.push(position);
    return stored;
  }

  /** normaliseDateTime, with a fast path for the canonical form on a day seen before. */
  private checkedDate(text: string): string | undefined {
    const day = text.slice(0, 10);
    if (text.length === 19 && this.realDays.has(day) && /^ [0-2]\d:[0-5]\d:[0-5]\d$/.test(text.slice(10)) && text.slice(11, 13) < "24")
      return text;
    const normalised = normaliseDateTime(text);
    if (normalised !== undefined) this.realDays.add(normalised.slice(0, 10));
    return normalised;
  }

  get(id: number): SandboxUrlLogRow | undefined {
    const position = this.positionOf.get(id);
    return position === undefined ? undefined : this.rows[position];
  }

  /** The fetch's UPDATE of one row; undefined when there is no such row. */
  update(id: number, changes: Pick<SandboxUrlLogRow, "response_sec" | "url_response">): SandboxUrlLogRow | undefined {
    const position = this.positionOf.get(id);
    if (position === undefined) return undefined;
    const next = { ...this.rows[position]!, ...changes };
    this.rows[position] = next;
    return next;
  }

  /** Copies of every row, in table order. */
  all(): SandboxUrlLogRow[] {
    return this.rows.map((r) => ({ ...r }));
  }

  /**
   * The report's SELECT: rows with from <= url_date <= to (normalised
   * DATETIME text, so string order is time order) whose url_type passes,
   * in url_date order with equal dates in table order. The rows are the
   * table's own objects: callers must not change them.
   */
  between(from: string, to: string, typeMatches: (urlType: string) => boolean): SandboxUrlLogRow[] {
    const out: SandboxUrlLogRow[] = [];
    if (from > to) return out;
    const firstDay = from.slice(0, 10);
    const lastDay = to.slice(0, 10);
    const days = [...this.days.keys()].filter((d) => d >= firstDay && d <= lastDay).sort();
    for (const day of days) {
      const bucket = this.days.get(day)!;
      const rows: SandboxUrlLogRow[] = [];
      for (const position of bucket.positions) {
        const row = this.rows[position]!;
        if (row.url_date >= from && row.url_date <= to && typeMatches(row.url_type)) rows.push(row);
      }
      // Array.prototype.sort is stable: equal dates keep table order.
      if (!bucket.inDateOrder) rows.sort((a, b) => (a.url_date < b.url_date ? -1 : a.url_date > b.url_date ? 1 : 0));
      for (const row of rows) out.push(row);
    }
    return out;
  }
}

/** vicidial_report_log, append-only. */
export class ReportLog {
  private readonly rows: SandboxReportLogRow[] = [];

  insert(row: Omit<SandboxReportLogRow, "report_log_id">): SandboxReportLogRow {
    const stored = { report_log_id: this.rows.length + 1, ...row };
    this.rows.push(stored);
    return stored;
  }

  all(): SandboxReportLogRow[] {
    return this.rows.map((r) => ({ ...r }));
  }
}
