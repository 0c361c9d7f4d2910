/**
 * Secrets never leave the process: not in results, errors, logs or the audit
 * log. VICIdial itself prints the password back (`|user|pass|BAD|`), stores it
 * stripped (so the echo may differ from what we sent) and it travels in query
 * strings, so every form of it is masked.
 */
const MASK = "***";

/** VICIdial keeps only these characters of a password (facts §6). */
export function vicidialPasswordForm(pass: string): string {
  return pass.replace(/[^A-Za-z0-9_-]/g, "");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class Redactor {
  private readonly pattern: RegExp | null;

  constructor(secrets: string[]) {
    const forms = new Set<string>();
    for (const s of secrets) {
      if (!s) continue;
      for (const f of [s, vicidialPasswordForm(s), encodeURIComponent(s), new URLSearchParams({ p: s }).toString().slice(2)]) {
        if (f.length > 0) forms.add(f);
      }
    }
    // Longest first so a form that contains another is masked whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = sorted.length > 0 ? new RegExp(sorted.join("|"), "g") : null;
  }

  /** Mask known secrets and any password VICIdial echoes or a URL carries. */
  text(value: string): string {
    let out = value
      // VICIdial's echo of a failed login: `...: |user|pass|BAD|` (API and admin page).
      .replace(/(Login incorrect, please try again: \|[^|\n]*\|)([^\n]*?)(\|BAD\|)/g, `$1${MASK}$3`)
      // A VICIdial request URL carrying the password. Only VICIdial's own
      // endpoints: an Alt URL may have a `pass=` parameter of its own.
      .replace(/((?:non_agent_api|admin_url_multi)\.php\?(?:[^\s"'#]*?&)?pass=)[^&\s#"']*/g, `$1${MASK}`)
      // An Authorization header that found its way into a message.
      .replace(/(authorization:\s*basic\s+)[A-Za-z0-9+/=]+/gi, `$1${MASK}`);
    if (this.pattern) out = out.replace(this.pattern, MASK);
    return out;
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  value<T>(v: T): T {
    if (typeof v === "string") return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = this.value(x);
      return out as T;
    }
    return v;
  }
}
