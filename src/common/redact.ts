/**
 * Secrets never leave the process: not in results, errors, logs or the audit
 * log. The password reaches text in exactly two ways: VICIdial prints it back
 * in a failed login's answer (`...: |user|pass|BAD|`), and our own requests
 * carry it (`pass=` in an API URL, an Authorization header). Those places are
 * masked wherever they appear. The password's value is never masked as a
 * blind substring of ordinary text: a password such as `2001` or `https`
 * would otherwise turn campaign ids and URLs into garbage.
 */
export const MASK = "***";

/** VICIdial keeps only these characters of a password (facts §6). */
export function vicidialPasswordForm(pass: string): string {
  return pass.replace(/[^A-Za-z0-9_-]/g, "");
}

const LOGIN_ECHO = /((?:ERROR: )?Login incorrect, please try again: \|[^|\n]*\|)([^\n]*?)(\|BAD\|)/g;

/** Mask the password VICIdial echoes in a failed login's answer, anywhere in `text`. */
export function maskLoginEcho(text: string): string {
  if (!text.includes("Login incorrect")) return text;
  return text.replace(LOGIN_ECHO, `$1${MASK}$3`);
}

/** Mask the places where a request of ours carries the password. */
export function maskRequestSecrets(text: string): string {
  return (
    text
      // VICIdial's own endpoints only: an Alt URL may have a `pass=` parameter of its own.
      .replace(/((?:non_agent_api|admin_url_multi|AST_url_log_report)\.php\?(?:[^\s"'#]*?&)?pass=)[^&\s#"']*/g, `$1${MASK}`)
      .replace(/(authorization:\s*basic\s+)[A-Za-z0-9+/=]+/gi, `$1${MASK}`)
  );
}

/**
 * Every known secret value masked where it appears as a whole, in text that
 * is not ours to interpret (a URL VICIdial logged, a target's answer): only
 * for fields whose content may legitimately carry a password. `secrets` are
 * passwords of ours, masked in every form VICIdial or a URL may give them;
 * `exact` are forms already known exactly, masked as they are (longest first
 * across both, so one never breaks up another).
 */
export function maskValues(text: string, secrets: readonly string[], exact: readonly string[] = []): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    for (const f of [s, vicidialPasswordForm(s), encodeURIComponent(s), new URLSearchParams({ p: s }).toString().slice(2)])
      if (f) forms.add(f);
  }
  // Forms known exactly (read back from where they appeared): masked as they are, one pass with the rest.
  for (const f of exact) if (f) forms.add(f);
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join(MASK);
  return out;
}

/** The structural masks, for every text and every string of a JSON-like value. */
export class Redactor {
  text(value: string): string {
    return maskRequestSecrets(maskLoginEcho(value));
  }

  /**
   * A JSON-like value with every string masked. Copy on write: an array or
   * plain object in which nothing needed masking is returned as it is (a
   * list_alt_urls answer was copied whole, string by string, on every call),
   * so only the path down to a masked string is new.
   */
  value<T>(v: T): T {
    if (typeof v === "string") return this.text(v) as T;
    if (Array.isArray(v)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const x = this.value(v[i]);
        if (out === null && x !== v[i]) out = v.slice(0, i);
        out?.push(x);
      }
      return (out ?? v) as T;
    }
    if (v !== null && typeof v === "object") {
      const proto = Object.getPrototypeOf(v);
      // Anything but a plain object was always turned into one (its own enumerable fields): still is.
      let out: Record<string, unknown> | null = proto === Object.prototype || proto === null ? null : {};
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = 0; i < entries.length; i++) {
        const [k, x] = entries[i]!;
        const masked = this.value(x);
        if (out === null && masked !== x) {
          out = {};
          for (let j = 0; j < i; j++) out[entries[j]![0]] = entries[j]![1];
        }
        if (out !== null) out[k] = masked;
      }
      return (out ?? v) as T;
    }
    return v;
  }
}
