/**
 * Which Alt URL row produced a logged URL. VICIdial logs the URL it fetched,
 * not the row, so each current row's template is turned into a pattern:
 * every `--A--name--B--` a wildcard (VICIdial put the value there, URL-encoded
 * like PHP's urlencode for most names), the rest literal, changed the way
 * VICIdial changes it for that URL type before logging (facts §8, §10.2):
 *
 * - every type: a leading `VAR` before `http` is dropped;
 * - start: every `;` removed;
 * - no-agent (`na_callurl`): spaces written as `+`, and `;`, `|` and `\` removed;
 * - and the report itself deletes spaces next to any `"` (facts §10.3).
 *
 * The match reads the variables back (decoded), so a delivery can be
 * filtered by lead or status, and names the values that filled `pass` and
 * `phone_pass`, so they can be masked. Several rows can fit one URL (a copied
 * row has the same template): the most literal one wins, then the one whose
 * own conditions agree with the values read (its entry, statuses, lists).
 */
import type { DeliveryUrlType } from "../client/urlLogReport.js";
import type { AltUrl } from "../common/model.js";
import { CREDENTIAL_VARIABLES, findVariables } from "./templateVars.js";

interface Compiled {
  row: AltUrl;
  /** Literal text before the first variable: the index looks templates up by it. */
  prefix: string;
  /** The literal parts, as logged: a variable stands between each two. */
  literals: string[];
  /** Each variable's name (known names in VICIdial's spelling) and its capture group, first use only. */
  groups: [name: string, group: number][];
  /** Capture groups that hold pass / phone_pass. */
  credentials: number[];
  literalLength: number;
}

/**
 * A logged URL matched to a row. The values are read (and decoded) only
 * when asked: most deliveries are only counted.
 */
export class Attribution {
  constructor(
    private readonly c: Compiled,
    private readonly m: readonly string[],
    /** Other rows that fit the URL just as well (this one was chosen). */
    readonly alsoFits: readonly number[],
  ) {}

  get row(): AltUrl {
    return this.c.row;
  }

  /** True when the template holds pass or phone_pass. */
  get carriesCredentials(): boolean {
    return this.c.credentials.length > 0;
  }

  /** One variable's value, decoded; undefined when the template has no such variable. */
  value(name: string): string | undefined {
    for (const [n, g] of this.c.groups) if (n === name) return phpUrldecode(this.m[g]!);
    return undefined;
  }

  /** Every variable read back, decoded. */
  variables(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [n, g] of this.c.groups) out[n] = phpUrldecode(this.m[g]!);
    return out;
  }

  /** The values that filled pass / phone_pass, as logged and decoded. */
  secrets(): string[] {
    const out: string[] = [];
    for (const g of this.c.credentials) {
      const raw = this.m[g]!;
      if (raw) out.push(raw, phpUrldecode(raw));
    }
    return out;
  }

  /** What the attribution needs to be read again from a copy of the URL (it holds no part of the URL). */
  detach(): DetachedAttribution {
    return { c: this.c, alsoFits: this.alsoFits };
  }
}

/** An attribution without its URL: `reattach` reads it again from the URL (a copy of it). */
export interface DetachedAttribution {
  readonly c: Compiled;
  readonly alsoFits: readonly number[];
}

export function reattach(d: DetachedAttribution, url: string): Attribution {
  const m = fit(d.c, url);
  if (!m) throw new Error("reattach: the URL no longer fits its template");
  return new Attribution(d.c, m, d.alsoFits);
}

const MARKER = /--A--([A-Za-z0-9_]+)--B--/gi;

/** The literal parts of a template as VICIdial logs them for this URL type. */
function loggedLiteral(text: string, urlType: DeliveryUrlType): string {
  let out = text;
  if (urlType === "start") out = out.replace(/;/g, "");
  if (urlType === "noagent") out = out.replace(/ /g, "+").replace(/[;|\\]/g, "");
  return out.replace(/ +"/g, '"').replace(/" +/g, '"');
}

/**
 * The values a URL holds for a template, or null when it does not fit: each
 * literal part at its first place after the one before (as a lazy pattern
 * would take it), the last one at the very end. Taking each literal at its
 * first place never misses a fit that a later place would give. Index 0 is
 * unused, so a value's index is its variable's group number.
 */
function fit(c: Compiled, url: string): string[] | null {
  const lits = c.literals;
  const last = lits.length - 1;
  if (!url.startsWith(lits[0]!)) return null;
  if (last === 0) return url.length === lits[0]!.length ? [url] : null;
  const end = url.length - lits[last]!.length;
  if (end < lits[0]!.length || !url.endsWith(lits[last]!)) return null;
  const values: string[] = [url];
  let at = lits[0]!.length;
  for (let i = 1; i < last; i++) {
    const found = url.indexOf(lits[i]!, at);
    if (found < 0 || found + lits[i]!.length > end) return null;
    values.push(url.slice(at, found));
    at = found + lits[i]!.length;
  }
  values.push(url.slice(at, end));
  return values;
}

function compile(row: AltUrl, urlType: DeliveryUrlType): Compiled {
  const template = row.url.replace(/^VAR(?=http)/, "");
  const spelled = new Map(findVariables(template).map((v) => [v.name.toLowerCase(), v.name]));
  const literals: string[] = [];
  const groups: [string, number][] = [];
  const credentials: number[] = [];
  let last = 0;
  let group = 0;
  for (const m of template.matchAll(MARKER)) {
    literals.push(loggedLiteral(template.slice(last, m.index), urlType));
    last = m.index + m[0].length;
    group++;
    const name = spelled.get(m[1]!.toLowerCase()) ?? m[1]!;
    // A name used twice keeps its first value (VICIdial fills both with the same one).
    if (groups.some(([n]) => n === name)) continue;
    groups.push([name, group]);
    if (CREDENTIAL_VARIABLES.includes(name)) credentials.push(group);
  }
  literals.push(loggedLiteral(template.slice(last), urlType));
  return {
    row,
    prefix: literals[0]!,
    literals,
    groups,
    credentials,
    literalLength: literals.reduce((n, l) => n + l.length, 0),
  };
}

/** PHP's urldecode: `+` is a space, `%XX` a byte; a broken escape stays as it is. */
export function phpUrldecode(value: string): string {
  if (!value.includes("%") && !value.includes("+")) return value;
  const spaced = value.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** How well a row's own conditions agree with the values read from the URL (for ties only). */
function agreement(a: Attribution, urlType: DeliveryUrlType): number {
  const row = a.row;
  let score = row.active ? 1 : 0;
  for (const key of ["campaign", "group", "channel_group"]) {
    const v = a.value(key);
    if (v) score += v.toUpperCase() === row.campaign_id.toUpperCase() ? 2 : -2;
  }
  const status = a.value("dispo") ?? a.value("status");
  if (urlType === "dispo" && status) score += row.all_statuses || row.statuses.includes(status) ? 2 : -2;
  const list = a.value("list_id");
  if (list && row.lists.length > 0) score += row.lists.includes(list) ? 2 : -2;
  return score;
}

/**
 * The rows' templates, looked up by their literal start: a map per distinct
 * start length, so a URL costs one lookup per length, not one test per row.
 */
export class TemplateMatcher {
  /** Distinct lengths of the templates' literal starts, and for each the templates by their start. */
  private readonly lengths: number[] = [];
  private readonly starts: Map<string, Compiled[]>[] = [];
  readonly size: number;

  constructor(
    rows: readonly AltUrl[],
    private readonly urlType: DeliveryUrlType,
  ) {
    this.size = rows.length;
    for (const row of rows) {
      const c = compile(row, urlType);
      let at = this.lengths.indexOf(c.prefix.length);
      if (at < 0) {
        at = this.lengths.push(c.prefix.length) - 1;
        this.starts.push(new Map());
      }
      const starts = this.starts[at]!;
      const list = starts.get(c.prefix);
      if (list) list.push(c);
      else starts.set(c.prefix, [c]);
    }
  }

  match(url: string): Attribution | null {
    let found: { c: Compiled; m: string[] }[] | null = null;
    let single: { c: Compiled; m: string[] } | null = null;
    for (let i = 0; i < this.lengths.length; i++) {
      const length = this.lengths[i]!;
      if (url.length < length) continue;
      const list = this.starts[i]!.get(url.slice(0, length));
      if (!list) continue;
      for (const c of list) {
        const m = fit(c, url);
        if (!m) continue;
        if (!single) single = { c, m };
        else (found ??= [single]).push({ c, m });
      }
    }
    if (!single) return null;
    if (!found) return new Attribution(single.c, single.m, []);
    // Several fit: the most literal one, then the one whose own conditions agree with the values.
    const scored = found.map(({ c, m }) => {
      const a = new Attribution(c, m, []);
      return { c, m, score: c.literalLength * 100 + agreement(a, this.urlType) };
    });
    const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
    const ties = scored.filter((x) => x !== best && x.score === best.score && x.c.row.id !== best.c.row.id).map((x) => x.c.row.id);
    return new Attribution(best.c, best.m, ties);
  }
}
