/**
 * Template variables `--A--name--B--` in a fired URL, filled the way
 * VICIdial's agent-side script fills them: names and markers match without
 * regard to case, values are URL-encoded like PHP's urlencode, and a name
 * with no value (an unknown one included) becomes empty.
 */
import type { TemplateValue } from "./firing-types.js";

const UNRESERVED = /^[A-Za-z0-9\-_.]$/;

/** PHP's urlencode: every byte but letters, digits, `-`, `_` and `.` as %XX, a space as `+`. */
export function phpUrlEncode(value: string): string {
  let out = "";
  for (const char of value) {
    if (char === " ") out += "+";
    else if (UNRESERVED.test(char)) out += char;
    else for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** PHP's string conversion of a value: true is "1", false and null are "". */
function phpString(value: TemplateValue): string {
  if (value === undefined || value === null || value === false) return "";
  if (value === true) return "1";
  return String(value);
}

/** Variables keyed by lower-case name, values as PHP would print them. */
export type TemplateVariables = Map<string, string>;

export function templateVariables(...sources: Record<string, TemplateValue>[]): TemplateVariables {
  const vars: TemplateVariables = new Map();
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) vars.set(name.toLowerCase(), phpString(value));
  }
  return vars;
}

/** Fills every `--A--name--B--`, then drops a leading `VAR` before `http` as VICIdial does. */
export function fillTemplate(url: string, vars: TemplateVariables): string {
  const filled = url.replace(/--A--([0-9A-Za-z_]+)--B--/gi, (_marker, name: string) => phpUrlEncode(vars.get(name.toLowerCase()) ?? ""));
  return filled.replace(/^VAR(?=http)/, "");
}
