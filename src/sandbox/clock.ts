/**
 * The sandbox server's local time. VICIdial writes url_date in the database
 * server's local time and PHP's date('r') in the web server's zone; the
 * recorded system ran at UTC-5 (its version answer says TZ: -5.00), so that
 * is the default. Offsets are hours east of UTC and may be fractional (5.5).
 */

export const DEFAULT_UTC_OFFSET_HOURS = -5;

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A Date whose UTC fields read as the local wall clock at that offset. */
function wallClock(ms: number, offsetHours: number): Date {
  return new Date(ms + Math.round(offsetHours * 60) * 60_000);
}

/** `YYYY-MM-DD` in the sandbox's zone. */
export function localDate(ms: number, offsetHours: number): string {
  const d = wallClock(ms, offsetHours);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS` in the sandbox's zone, like a MySQL DATETIME written with NOW(). */
export function localDateTime(ms: number, offsetHours: number): string {
  const d = wallClock(ms, offsetHours);
  return `${localDate(ms, offsetHours)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** PHP's date("Ymd-His"), used in the CSV file name. */
export function fileStamp(ms: number, offsetHours: number): string {
  return localDateTime(ms, offsetHours).replace(/-/g, "").replace(" ", "-").replace(/:/g, "");
}

/** `-0500`, `+0530`: PHP's date("O"). */
export function offsetLabel(offsetHours: number): string {
  const minutes = Math.round(offsetHours * 60);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** PHP's date("r"): `Thu, 26 Nov 2026 09:05:13 -0500`. */
export function rfc2822(ms: number, offsetHours: number): string {
  const d = wallClock(ms, offsetHours);
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${offsetLabel(offsetHours)}`
  );
}

/** The TZ field of non_agent_api.php's version line: `-5.00`, `5.50`. */
export function versionTzLabel(offsetHours: number): string {
  return offsetHours.toFixed(2);
}

/** Epoch ms of local midnight starting the day that holds `ms`. */
export function startOfLocalDay(ms: number, offsetHours: number): number {
  const [y, m, d] = localDate(ms, offsetHours).split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - Math.round(offsetHours * 60) * 60_000;
}

/**
 * A MySQL DATETIME literal as the report compares it: `YYYY-MM-DD HH:MM:SS`
 * (one or two digit fields allowed), normalised; undefined when it is no
 * real moment (2026-13-45, 24:00:00, notadate), which then matches no row.
 */
export function normaliseDateTime(text: string): string | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}
