/**
 * fast-check arbitraries for tool arguments: for every argument name a mix of
 * valid values, near misses (VICIdial-stripped characters, wrong case, out of
 * range, tutorial vocabulary) and values of the wrong type; then argument
 * objects with fields missing, overridden by junk, or unknown keys added.
 * A tool argument this file does not know gets junk only, so new tools are
 * fuzzed from their schema without edits here.
 */
import fc from "fast-check";

/** Any JSON-ish value: the shapes a model (or a broken client) might send. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.nat(70_000).map((n) => "x".repeat(n)) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 32768, 99999) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const strippedChars = ",;()!*'~$[]{}|^` #\\\n\té€中";
const nearText = fc.string({ unit: fc.constantFrom(..."ABCSALEdnc09-_".split(""), ...strippedChars.split("")), maxLength: 24 });

const campaign = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("2001", "2002", "3001") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("2001 ", "alttest", "9999", "2001;", "20", "2", "200100001", "2001\n", "2001é", "ALT T'EST", "-_", ""),
  },
  { weight: 1, arbitrary: nearText },
);
const urlType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("dispo", "start", "noagent") },
  { weight: 1, arbitrary: fc.constantFrom("DISPO", "addlead", "ingroup", "") },
);
const id = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1, 2, 3, 4, 5) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1.5, 99999, 2 ** 53) },
  { weight: 1, arbitrary: fc.integer() },
);
const url = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "https://crm.example.com/hook?lead=--A--lead_id--B--&status=--A--dispo--B--",
      "https://crm.example.com/sale",
      "https://orders.example.com/api?x=1&y=--A--phone_number--B--",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "https://crm.example.com/p?a=1#frag",
      "https://crm.example.com/caf\u00e9?q=a b",
      "https://crm.example.com/p?x=(1)&y='2'",
      "https://crm.example.com/p?pw=--A--pass--B--",
      "https://crm.example.com/p?v=--A--no_such_var--B--",
      "https://crm.example.com/100%",
      "http://crm.example.com/plain",
      "http://127.0.0.1/local",
      "http://10.0.0.5/private",
      "javascript:alert(1)",
      "ftp://crm.example.com/x",
      "crm.example.com/no-scheme",
      "https://",
      "https://crm.example.com/a\\b",
      "https://crm.example.com/a\nb",
      "",
    ),
  },
  { weight: 1, arbitrary: nearText.map((t) => `https://crm.example.com/${t}`) },
  { weight: 1, arbitrary: fc.nat(70_000).map((n) => `https://crm.example.com/${"a".repeat(n)}`) },
);
const statusCode = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("SALE", "PSALE", "NI", "DNC", "CALLBK", "---ALL---") },
  { weight: 2, arbitrary: fc.constantFrom("sale", "S_1", "S,1", "SALE PSALE", "", "---all---", "A".repeat(21)) },
  { weight: 1, arbitrary: nearText },
);
const statuses = fc.array(statusCode, { maxLength: 4 });
const lists = fc.array(fc.oneof(fc.constantFrom("101", "102", 101, "10a", "", " 101", -5, 1.5), nearText), { maxLength: 3 });
const smallInt = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(32767, 32768, 99999, 100000, 1.5, -1) },
);
const description = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("CRM hook", "Order system, lists 101", "", "paused - see ticket 12") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("back\\slash", "line\nbreak", "pipe | here", "quote ' here", "#hash", "x".repeat(256), "caf\u00e9"),
  },
  { weight: 1, arbitrary: nearText },
);
const sampleLead = fc.oneof(
  fc.constant({ lead_id: 1001, phone_number: "3125550100" }),
  fc.dictionary(fc.constantFrom("lead_id", "user", "pass", "first_name", "x y", ""), fc.oneof(fc.string({ maxLength: 12 }), fc.integer()), {
    maxKeys: 3,
  }),
);

/** Valid values by argument name, for the calls that should get through. */
const VALID: Record<string, fc.Arbitrary<unknown>> = {
  campaign_id: fc.constantFrom("2001", "2002", "3001"),
  from_campaign_id: fc.constantFrom("2001", "3001"),
  to_campaign_ids: fc.array(fc.constantFrom("2001", "2002", "3001"), { minLength: 1, maxLength: 2 }),
  url_type: fc.constantFrom("dispo", "start", "noagent"),
  id: fc.constantFrom(1, 2, 3, 4, 5),
  url: fc.constantFrom("https://crm.example.com/hook?lead=--A--lead_id--B--&status=--A--dispo--B--", "https://crm.example.com/sale"),
  preserve_url: fc.constantFrom("https://helpdesk.example.com/dispo?lead=--A--lead_id--B--"),
  statuses: fc.array(fc.constantFrom("SALE", "PSALE", "NI", "DNC", "CALLBK"), { minLength: 1, maxLength: 2 }),
  active: fc.boolean(),
  rank: fc.integer({ min: 1, max: 9 }),
  description: fc.constantFrom("CRM hook", "Order system, lists 101", ""),
  lists: fc.constantFrom([], ["101"], ["101", "102"]),
  min_call_length: fc.integer({ min: 0, max: 60 }),
  allow_credential_variables: fc.constant(false),
  dry_run: fc.boolean(),
  replace: fc.constant(false),
  status: fc.constantFrom("SALE", "PSALE", "CALLBK", "NI"),
  list_id: fc.constantFrom("101", "102", 101),
  talk_time: fc.integer({ min: 0, max: 120 }),
  sample_lead: fc.constant({ lead_id: 1001, phone_number: "3125550100" }),
  allow_private: fc.constant(true),
  timeout_ms: fc.constant(2000),
  entry_type: fc.constant("campaign"),
  from_entry_type: fc.constant("campaign"),
  to_entry_type: fc.constant("campaign"),
  scheduled_callback: fc.boolean(),
  dead_time: fc.integer({ min: 0, max: 30 }),
  agent_campaign_id: fc.constantFrom("2001", "3001"),
  system: fc.constant("default"),
  date: fc.constantFrom("2026-11-26", "2026-11-27"),
  to_date: fc.constant("2026-11-28"),
  lead_id: fc.constantFrom("100101", 100101),
  outcome: fc.constantFrom("answered", "failed", "not_fetched"),
  document: fc.constantFrom(
    'version: 1\nentries:\n  - campaign_id: "2001"\n    alt_urls:\n      - statuses: [NI]\n        url: https://crm.example.com/ni\n',
    '{"version":1,"entries":[{"campaign_id":"3001","alt_urls":[{"statuses":["SALE","RETAIN"],"url":"https://retention.example.com/saved"}]}]}',
  ),
  plan_id: fc.constantFrom("0123456789abcdef0123456789abcdef"),
  prune: fc.boolean(),
  entries: fc.constantFrom([{ campaign_id: "2001" }], [{ campaign_id: "3001", url_type: "dispo" }]),
  change_id: fc.constantFrom("5eed0000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-00000000dead"),
  tool: fc.constantFrom("set_alt_url", "apply_alt_urls"),
  since: fc.constantFrom("2020-01-01", "2020-01-01T00:00:00Z"),
  limit: fc.integer({ min: 1, max: 100 }),
  from_system: fc.constant("default"),
  to_system: fc.constant("default"),
};

/** Near-valid values by argument name (shared by every tool that has the argument). */
const NEAR: Record<string, fc.Arbitrary<unknown>> = {
  campaign_id: campaign,
  from_campaign_id: campaign,
  to_campaign_ids: fc.oneof(
    { weight: 4, arbitrary: fc.array(campaign, { minLength: 1, maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        [],
        Array.from({ length: 101 }, () => "3001"),
      ),
    },
  ),
  url_type: urlType,
  id,
  url,
  preserve_url: url,
  statuses,
  active: fc.boolean(),
  rank: smallInt,
  description,
  lists,
  min_call_length: smallInt,
  allow_credential_variables: fc.boolean(),
  dry_run: fc.boolean(),
  replace: fc.boolean(),
  status: statusCode,
  list_id: fc.oneof(fc.constantFrom("101", "102", 101, "abc", -1), nearText),
  talk_time: smallInt,
  sample_lead: sampleLead,
  allow_private: fc.boolean(),
  timeout_ms: fc.constantFrom(100, 500, 1000, 99, 30_001, 1.5),
  entry_type: fc.constantFrom("campaign", "ingroup", "list", "CAMPAIGN", "system", ""),
  from_entry_type: fc.constantFrom("campaign", "ingroup", "list", "Campaign"),
  to_entry_type: fc.constantFrom("campaign", "ingroup", "list", "lists"),
  scheduled_callback: fc.boolean(),
  dead_time: smallInt,
  agent_campaign_id: campaign,
  system: fc.constantFrom("default", "production", "", "a b", "DEFAULT"),
  date: fc.constantFrom("2026-11-26", "2026-13-45", "2026-02-30", "26-11-2026", "", "2026-11-26 10:00", "2026-1-2"),
  to_date: fc.constantFrom("2026-11-28", "2026-11-25", "2027-01-01", "2026-13-01", ""),
  lead_id: fc.constantFrom("100101", -1, "abc", 1.5, "", "1e3"),
  outcome: fc.constantFrom("answered", "ANSWERED", "ok", "not fetched", ""),
  document: fc.oneof(
    nearText,
    fc.constantFrom(
      "version: 1\nentries: [",
      "version: 1\nentries:\n  - campaign_id: 2001\n    alt_urls: [{statuses: [SALE], url: 'https://x.example.com/#a'}]",
      '{"version":1,"entries":[{"campaign_id":"9999","alt_urls":[]}]}',
      "version: 1\nentries:\n  - campaign_id: '2001'\n    url_type: addlead\n    alt_urls: []",
      "- just\n- a list",
    ),
  ),
  plan_id: fc.oneof(nearText, fc.constantFrom("", "ABC", "0123456789abcdef")),
  prune: fc.oneof(fc.boolean(), junk),
  entries: fc.oneof(fc.constantFrom([], [{ campaign_id: "9999" }], [{ campaign_id: "2001", entry_type: "list" }]), junk),
  change_id: fc.oneof(nearText, fc.constantFrom("", "not-an-id", "5EED0000-0000-4000-8000-000000000003")),
  tool: fc.oneof(nearText, fc.constantFrom("", "set_alt_url")),
  since: fc.oneof(nearText, fc.constantFrom("yesterday", "2026-13-45", "")),
  limit: fc.constantFrom(0, 1, 1000, 1001, 1.5, -1),
  from_system: fc.constantFrom("default", "staging", "", "DEFAULT"),
  to_system: fc.constantFrom("default", "production", "a b"),
};

/** Names a popular tutorial (or a confused model) uses, plus plain junk keys. */
const extraKey = fc.oneof(
  fc.constantFrom("dispo_code", "alt_url", "delete_url", "url_address", "alt_url_id", "entry_type", "user", "pass", "constructor"),
  fc.string({ maxLength: 12 }),
);

const none = fc.constant([] as [string, unknown][]);

function assign(base: Record<string, unknown>, pairs: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  // defineProperty: a key like "__proto__" becomes a plain own key, as JSON.parse would make it.
  for (const [k, v] of pairs) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

export interface ArgsOptions {
  /** Arguments the schema requires (always present in the valid variant). */
  required: string[];
  /** Valid calls to use instead of the generated ones (for tools whose arguments depend on each other). */
  valid?: fc.Arbitrary<Record<string, unknown>>;
}

/**
 * Argument objects for a tool with these argument names: valid calls (every
 * required argument, some optional ones); near-valid records with fields left
 * out, some overridden with junk, some unknown keys; now and then a wholly
 * arbitrary object.
 */
export function toolArgs(keys: string[], opts: ArgsOptions): fc.Arbitrary<Record<string, unknown>> {
  const validModel: Record<string, fc.Arbitrary<unknown>> = {};
  const nearModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) {
    validModel[k] = VALID[k] ?? junk;
    nearModel[k] = fc.oneof(validModel[k]!, NEAR[k] ?? junk);
  }
  const valid = opts.valid ?? (fc.record(validModel, { requiredKeys: opts.required }) as fc.Arbitrary<Record<string, unknown>>);
  const near = fc.record(nearModel, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
  const overrides = keys.length ? fc.array(fc.tuple(fc.constantFrom(...keys), junk), { minLength: 1, maxLength: 2 }) : none;
  const extras = fc.array(fc.tuple(extraKey, junk), { minLength: 1, maxLength: 2 });
  const mutated = fc
    .tuple(
      near,
      fc.oneof({ weight: 3, arbitrary: none }, { weight: 1, arbitrary: overrides }),
      fc.oneof({ weight: 4, arbitrary: none }, { weight: 1, arbitrary: extras }),
    )
    .map(([b, o, e]) => assign(b, [...o, ...e]));
  const anything = fc.dictionary(fc.oneof(fc.constantFrom(...keys, "x"), fc.string({ maxLength: 10 })), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
  });
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: anything });
}
