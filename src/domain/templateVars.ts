/**
 * Template variables `--A--name--B--` in an Alt URL (docs/vicidial-behaviour.md §8).
 *
 * VICIdial replaces them (case-insensitively) before fetching the URL. A
 * malformed marker is sent literally, so it is an error here; an unknown name
 * may be a custom list field, so it is only a warning.
 */
import { invalidInput } from "../common/errors.js";

export type VariableGroup = "lead" | "agent" | "call" | "disposition" | "custom" | "unknown";

type Entry = [name: string, description: string];

const LEAD: Entry[] = [
  ["lead_id", "the lead's id"],
  ["vendor_id", "the lead's vendor lead code (older name of vendor_lead_code)"],
  ["vendor_lead_code", "the lead's vendor lead code"],
  ["source_id", "the lead's source id"],
  ["list_id", "the id of the list the lead belongs to"],
  ["list_name", "the name of the lead's list"],
  ["list_description", "the description of the lead's list"],
  ["entry_list_id", "the list id the lead's custom fields come from"],
  ["entry_date", "when the lead was loaded"],
  ["gmt_offset_now", "the lead's current GMT offset"],
  ["phone_code", "the lead's country dialling code"],
  ["phone_number", "the lead's phone number"],
  ["phone", "the lead's phone number (as VICIdial passes it to web forms)"],
  ["title", "the lead's title"],
  ["first_name", "the lead's first name"],
  ["middle_initial", "the lead's middle initial"],
  ["last_name", "the lead's last name"],
  ["address1", "address line 1"],
  ["address2", "address line 2"],
  ["address3", "address line 3"],
  ["city", "city"],
  ["state", "state"],
  ["province", "province"],
  ["postal_code", "postal code"],
  ["country_code", "country code"],
  ["gender", "gender"],
  ["date_of_birth", "date of birth"],
  ["alt_phone", "alternate phone number"],
  ["email", "the lead's email address"],
  ["security_phrase", "the lead's security phrase"],
  ["comments", "the lead's comments"],
  ["called_count", "how many times the lead has been called"],
  ["rank", "the lead's rank"],
  ["owner", "the lead's owner"],
];

const AGENT: Entry[] = [
  ["user", "the agent's user id"],
  ["pass", "the agent's password (refused unless allow_credential_variables: VICIdial logs the URL)"],
  ["fullname", "the agent's full name"],
  ["user_group", "the agent's user group"],
  ["agent_email", "the agent's email address"],
  ["user_custom_one", "agent custom field 1"],
  ["user_custom_two", "agent custom field 2"],
  ["user_custom_three", "agent custom field 3"],
  ["user_custom_four", "agent custom field 4"],
  ["user_custom_five", "agent custom field 5"],
  ["phone_login", "the agent's phone login"],
  ["original_phone_login", "the phone login the agent started the session with"],
  ["phone_pass", "the agent's phone password (refused unless allow_credential_variables: VICIdial logs the URL)"],
  ["fronter", "the agent who transferred the call (fronter)"],
  ["closer", "the closer agent"],
];

const CALL: Entry[] = [
  ["campaign", "the campaign id"],
  ["group", "the campaign or in-group of the call"],
  ["channel_group", "the campaign or in-group the call came through"],
  ["SQLdate", "date and time of the call (YYYY-MM-DD HH:MM:SS)"],
  ["epoch", "Unix time of the call"],
  ["uniqueid", "the call's unique id"],
  ["call_id", "the call's id (caller code)"],
  ["agent_log_id", "the agent log entry of the call"],
  ["closecallid", "the inbound call log id"],
  ["xfercallid", "the transfer call log id"],
  ["customer_zap_channel", "the customer's phone channel"],
  ["customer_server_ip", "the server the customer is on"],
  ["server_ip", "the agent's server"],
  ["SIPexten", "the agent's SIP extension"],
  ["session_id", "the agent's conference session id"],
  ["parked_by", "who parked the call"],
  ["dialed_number", "the number dialled"],
  ["dialed_label", "the label of the number dialled (e.g. MAIN, ALT)"],
  ["term_reason", "why the call ended"],
  ["recording_id", "the recording's id"],
  ["recording_filename", "the recording's file name"],
  ["camp_script", "the campaign's script"],
  ["in_script", "the in-group's script"],
];

const DISPOSITION: Entry[] = [
  ["dispo", "the disposition status the agent chose (e.g. SALE)"],
  ["dispo_name", "the disposition's name"],
  ["talk_time", "talk time in seconds"],
  ["talk_time_ms", "talk time in milliseconds"],
  ["talk_time_min", "talk time in minutes"],
  ["call_notes", "the agent's call notes"],
  ["callback_lead_status", "the status of a scheduled callback"],
  ["callback_datetime", "when a scheduled callback is due"],
];

const numbered = (prefix: string, what: string): Entry[] => [1, 2, 3, 4, 5].map((i): Entry => [`${prefix}${i}`, `${what} ${i}`]);

const CUSTOM: Entry[] = [
  ...numbered("camp_custom_", "campaign custom field"),
  ...numbered("ig_custom_", "in-group custom field"),
  ["did_id", "the inbound DID's id"],
  ["did_extension", "the inbound DID's extension"],
  ["did_pattern", "the inbound DID's number pattern"],
  ["did_description", "the inbound DID's description"],
  ...numbered("did_custom_", "DID custom field"),
];

const GROUPS: [VariableGroup, Entry[]][] = [
  ["lead", LEAD],
  ["agent", AGENT],
  ["call", CALL],
  ["disposition", DISPOSITION],
  ["custom", CUSTOM],
];

/** One entry per known name, for the `vicidial://reference/url-variables` resource. */
export const VARIABLE_REFERENCE: { name: string; group: string; description: string }[] = GROUPS.flatMap(([group, entries]) =>
  entries.map(([name, description]) => ({ name, group, description })),
);

export const KNOWN_VARIABLES: readonly string[] = VARIABLE_REFERENCE.map((v) => v.name);

/** Put agent and phone passwords into a URL VICIdial fetches and logs (§5). */
export const CREDENTIAL_VARIABLES: readonly string[] = ["pass", "phone_pass"];

const BY_LOWER = new Map(VARIABLE_REFERENCE.map((v) => [v.name.toLowerCase(), v]));

export interface VariableRef {
  /** The known spelling when known (e.g. SQLdate), else as written. */
  name: string;
  known: boolean;
  credential: boolean;
  group: VariableGroup;
}

const MARKER = /--A--([A-Za-z0-9_]+)--B--/gi;

function refFor(written: string): VariableRef {
  const known = BY_LOWER.get(written.toLowerCase());
  const name = known?.name ?? written;
  return {
    name,
    known: known !== undefined,
    credential: CREDENTIAL_VARIABLES.includes(name),
    group: (known?.group as VariableGroup | undefined) ?? "unknown",
  };
}

/** Distinct well-formed markers, in order of first appearance (names compared case-insensitively). */
export function findVariables(url: string): VariableRef[] {
  const out: VariableRef[] = [];
  const seen = new Set<string>();
  for (const m of url.matchAll(MARKER)) {
    const key = m[1]!.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(refFor(m[1]!));
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest known name within edit distance 2, or null. */
export function closestKnownVariable(name: string): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let bestD = 3;
  for (const k of KNOWN_VARIABLES) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/** The fragment to quote for a malformed marker starting at `i`: up to the next separator. */
function fragmentAt(url: string, i: number, minEnd: number): string {
  let end = minEnd;
  while (end < url.length && !/[&?/=]/.test(url[end]!) && end - i < 60) end++;
  return url.slice(i, end);
}

/** Drop credential markers, with their query parameter when they are its whole value. */
function withoutCredentialMarkers(url: string): string {
  const names = CREDENTIAL_VARIABLES.join("|");
  let out = url.replace(new RegExp(`([?&])[^?&=]*=--A--(?:${names})--B--(?=&|$)`, "gi"), "$1");
  out = out.replace(new RegExp(`--A--(?:${names})--B--`, "gi"), "");
  return out.replace(/&{2,}/g, "&").replace(/\?&/, "?").replace(/[?&]$/, "");
}

/**
 * Check every `--A--name--B--` in a URL. Throws INVALID_INPUT for a malformed
 * marker or, unless allowed, a credential variable; returns the variables and
 * warnings (unknown names).
 */
export function checkTemplate(
  url: string,
  opts: { allowCredentialVariables: boolean },
  field = "url",
): { variables: VariableRef[]; warnings: string[] } {
  // Walk the --A-- / --B-- tokens left to right; they must alternate A, B.
  const token = /--([AB])--/gi;
  let open: number | null = null;
  let m: RegExpExecArray | null;
  while ((m = token.exec(url)) !== null) {
    const isA = m[1]!.toUpperCase() === "A";
    if (isA) {
      if (open !== null) throwUnclosed(url, open, field);
      open = m.index;
      continue;
    }
    if (open === null) {
      const frag = url.slice(Math.max(0, m.index - 20), m.index + 5);
      throw invalidInput(
        field,
        `has "--B--" without an opening "--A--" (in "${frag}"); VICIdial would send it literally.`,
        'Write each variable as --A--name--B--, e.g. "--A--lead_id--B--".',
      );
    }
    const name = url.slice(open + 5, m.index);
    const whole = url.slice(open, m.index + 5);
    if (name === "") {
      throw invalidInput(
        field,
        `has an empty variable "${whole}".`,
        'Put a variable name between --A-- and --B--, e.g. "--A--lead_id--B--".',
      );
    }
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      const guess = closestKnownVariable(name.replace(/[^A-Za-z0-9_]+/g, "_"));
      throw invalidInput(
        field,
        `has the variable "${whole}", whose name holds characters other than letters, digits and "_"; VICIdial would not replace it.`,
        guess !== null ? `Use "--A--${guess}--B--".` : 'Use a name of letters, digits and "_", e.g. "--A--lead_id--B--".',
      );
    }
    open = null;
  }
  if (open !== null) throwUnclosed(url, open, field);

  const variables = findVariables(url);
  const warnings: string[] = [];
  for (const v of variables) {
    if (v.credential) {
      if (!opts.allowCredentialVariables) {
        throw invalidInput(
          field,
          `uses --A--${v.name}--B--, which makes VICIdial put the ${v.name === "pass" ? "agent's" : "agent's phone"} password into a URL it fetches and logs.`,
          `Remove it ("${withoutCredentialMarkers(url)}"), or, if the target really needs it, set allow_credential_variables: true.`,
        );
      }
      warnings.push(
        `--A--${v.name}--B-- puts the ${v.name === "pass" ? "agent's" : "agent's phone"} password into a URL that VICIdial fetches and logs`,
      );
    } else if (!v.known) {
      const near = closestKnownVariable(v.name);
      warnings.push(
        `--A--${v.name}--B-- is not a standard VICIdial variable: it must be the label of a custom list field, or it stays empty` +
          (near !== null ? ` (did you mean --A--${near}--B--?)` : ""),
      );
    }
  }
  return { variables, warnings };
}

function throwUnclosed(url: string, open: number, field: string): never {
  const frag = fragmentAt(url, open, open + 5);
  const name = /^[A-Za-z0-9_]*/.exec(url.slice(open + 5))![0];
  throw invalidInput(
    field,
    `has "${frag}", a variable opened with --A-- but not closed with --B--; VICIdial would send it literally.`,
    name !== "" ? `Write it as "--A--${name}--B--".` : 'Write each variable as --A--name--B--, e.g. "--A--lead_id--B--".',
  );
}

/** PHP urlencode: letters, digits and `-_.` kept, space as `+`, the rest %XX (UTF-8, upper case). */
export function phpUrlencode(value: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(value)) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.]/.test(ch)) out += ch;
    else if (b === 0x20) out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * Fill every marker from `values` (names matched case-insensitively; later
 * keys win over earlier ones of the same name). Missing values become "" and
 * are listed in `missing`, as VICIdial would send them empty.
 */
export function fillTemplate(url: string, values: Record<string, string | number>): { url: string; filled: string[]; missing: string[] } {
  const lookup = new Map<string, string>();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    lookup.set(k.toLowerCase(), String(v));
  }
  const filled: string[] = [];
  const missing: string[] = [];
  const out = url.replace(MARKER, (_all, written: string) => {
    const name = refFor(written).name;
    const v = lookup.get(written.toLowerCase());
    if (v === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return "";
    }
    if (!filled.includes(name)) filled.push(name);
    return phpUrlencode(v);
  });
  return { url: out, filled, missing };
}
