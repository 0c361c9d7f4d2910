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
import type { AltUrl } from "../shared/model.js";
import { CREDENTIAL_VARIABLES, findVariables } from "./templateVars.js";

export interface Attribution {
  row: AltUrl;
  /** Variable name (as the template spells it, known names in VICIdial's spelling) -> value read back. */
  variables: Record<string, string>;
  /** The values that filled pass / phone_pass, as logged and decoded. */
  secrets: string[];
  /** Other rows that fit the URL just as well (the first one was chosen). */
  alsoFits: number[];
}

interface Compiled {
  row: AltUrl;
  /** Literal text before the first variable: a cheap test before the pattern. */
  prefix: string;
  pattern: RegExp;
  names: string[];
  literalLength: number;
}

const MARKER = /--A--([A-Za-z0-9_]+)--B--/gi;

/** The literal parts of a template as VICIdial logs them for this URL type. */
function loggedLiteral(text: string, urlType: DeliveryUrlType): string {
  let out = text;
  if (urlType === "start") out = out.replace(/;/g, "");
  if (urlType === "noagent") out = out.replace(/ /g, "+").replace(/[;|\\]/g, "");
  return out.replace(/ +"/g, '"').replace(/" +/g, '"');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function compile(row: AltUrl, urlType: DeliveryUrlType): Compiled {
  const template = row.url.replace(/^VAR(?=http)/, "");
  const names: string[] = [];
  const literals: string[] = [];
  let last = 0;
  for (const m of template.matchAll(MARKER)) {
    literals.push(loggedLiteral(template.slice(last, m.index), urlType));
    names.push(m[1]!);
    last = m.index + m[0].length;
  }
  literals.push(loggedLiteral(template.slice(last), urlType));
  const source = literals.map(escapeRegExp).join("([^]*?)");
  const spelled = new Map(findVariables(template).map((v) => [v.name.toLowerCase(), v.name]));
  return {
    row,
    prefix: literals[0]!,
    pattern: new RegExp(`^${source}$`),
    names: names.map((n) => spelled.get(n.toLowerCase()) ?? n),
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
function agreement(row: AltUrl, vars: Record<string, string>, urlType: DeliveryUrlType): number {
  let score = row.active ? 1 : 0;
  for (const key of ["campaign", "group", "channel_group"]) {
    const v = vars[key];
    if (v !== undefined && v !== "") score += v.toUpperCase() === row.campaign_id.toUpperCase() ? 2 : -2;
  }
  const status = vars.dispo ?? vars.status;
  if (urlType === "dispo" && status !== undefined && status !== "") {
    score += row.all_statuses || row.statuses.includes(status) || (status === "CBHOLD" && row.statuses.includes("CBHOLD")) ? 2 : -2;
  }
  const list = vars.list_id;
  if (list !== undefined && list !== "" && row.lists.length > 0) score += row.lists.includes(list) ? 2 : -2;
  return score;
}

export class TemplateMatcher {
  private readonly compiled: Compiled[];

  constructor(
    rows: readonly AltUrl[],
    private readonly urlType: DeliveryUrlType,
  ) {
    this.compiled = rows.map((r) => compile(r, urlType));
  }

  get size(): number {
    return this.compiled.length;
  }

  match(url: string): Attribution | null {
    let best: { c: Compiled; vars: Record<string, string>; raw: Record<string, string>; score: number } | null = null;
    let ties: number[] = [];
    for (const c of this.compiled) {
      if (!url.startsWith(c.prefix)) continue;
      const m = c.pattern.exec(url);
      if (!m) continue;
      const vars: Record<string, string> = {};
      const raw: Record<string, string> = {};
      c.names.forEach((name, i) => {
        // A name used twice keeps its first value (VICIdial fills both with the same one).
        if (name in raw) return;
        raw[name] = m[i + 1]!;
        vars[name] = phpUrldecode(m[i + 1]!);
      });
      const score = c.literalLength * 100 + agreement(c.row, vars, this.urlType);
      if (!best || score > best.score) {
        best = { c, vars, raw, score };
        ties = [];
      } else if (score === best.score && c.row.id !== best.c.row.id) ties.push(c.row.id);
    }
    if (!best) return null;
    const secrets: string[] = [];
    for (const name of Object.keys(best.raw)) {
      if (!CREDENTIAL_VARIABLES.includes(name)) continue;
      if (best.raw[name]) secrets.push(best.raw[name]!);
      if (best.vars[name]) secrets.push(best.vars[name]!);
    }
    return { row: best.c.row, variables: best.vars, secrets, alsoFits: ties };
  }
}
