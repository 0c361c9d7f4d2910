/**
 * VICIdial's silent input stripping, with the default system
 * setting use_non_latin=0: every character outside a field's set is removed
 * without an error, before any length check.
 */

const strip =
  (disallowed: RegExp) =>
  (value: string): string =>
    value.replace(disallowed, "");

/** non_agent_api.php fields. */
export const apiSanitize = {
  user: strip(/[^-_0-9a-zA-Z]/g),
  pass: strip(/[^-_0-9a-zA-Z]/g),
  source: strip(/[^0-9a-zA-Z]/g),
  functionName: strip(/[^-_0-9a-zA-Z]/g),
  campaignId: strip(/[^-_0-9a-zA-Z]/g),
  /** NEW and LIST survive only in capitals: "new" becomes "" */
  altUrlId: strip(/[^0-9A-Z]/g),
  /** capitals only, so "y" is stripped to nothing */
  active: strip(/[^A-Z]/g),
  /** entry_type and url_type */
  typeName: strip(/[^_0-9a-zA-Z]/g),
  /** stage: compared exactly afterwards */
  setting: strip(/[^-_0-9a-zA-Z]/g),
  /** header loses even - and _, so Y_ES and Y-E-S both become YES */
  header: strip(/[^0-9a-zA-Z]/g),
  urlAddress: strip(/[^-%=+.:/@?&_ 0-9a-zA-Z]/g),
  urlStatuses: strip(/[^- 0-9a-zA-Z]/g),
  urlLists: strip(/[^- 0-9A-Z]/g),
  /**
   * VICIdial's pattern for url_description contains the range `,-_`
   * (0x2C to 0x5F), which lets `< = > ? @ [ \ ] ^` and the backslash through.
   */
  urlDescription: strip(/[^ .\x2C-\x5F0-9a-zA-Z]/g),
  digits: strip(/[^0-9]/g),
  /** update_campaign's dispo_call_url: the same short whitelist as url_address */
  dispoCallUrl: strip(/[^-%=+.:/@?&_ 0-9a-zA-Z]/g),
  campaignName: strip(/[^- .,_0-9a-zA-Z]/g),
  /** ingroup_list's picker field name */
  comments: (value: string): string => value.replace(/[;#"]/g, "").replace(/\+/g, " "),
};

/** admin_url_multi.php 2.14-9 uses its own, slightly different, patterns. */
export const adminSanitize = {
  authUser: strip(/[^-_0-9a-zA-Z]/g),
  authPass: strip(/[^-_0-9a-zA-Z]/g),
  action: strip(/[^-_0-9a-zA-Z]/g),
  campaignId: strip(/[^-_0-9a-zA-Z]/g),
  typeName: strip(/[^_0-9a-zA-Z]/g),
  urlId: strip(/[^0-9]/g),
  active: strip(/[^A-Z]/g),
  urlRank: strip(/[^-0-9]/g),
  urlCallLength: strip(/[^0-9]/g),
  urlStatuses: strip(/[^- _0-9a-zA-Z]/g),
  urlLists: strip(/[^- _0-9]/g),
  urlDescription: strip(/[^- .,_0-9a-zA-Z]/g),
  urlAddress: strip(/[<>'"\\;]/g),
};

/**
 * Raised when the database would refuse the statement: a value that breaks
 * its SQL text, or one strict SQL mode does not store (out of range, too long).
 */
export class SqlRefused extends Error {
  constructor(reason = "You have an error in your SQL syntax") {
    super(reason);
    this.name = "SqlRefused";
  }
}

/**
 * The API pastes url_description into SQL unescaped, so MySQL reads its
 * backslashes as escapes inside a '...' literal. An unpaired trailing
 * backslash escapes the closing quote and the statement fails.
 */
export function mysqlStringLiteral(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) throw new SqlRefused();
    i++;
    switch (next) {
      case "0":
        out += "\0";
        break;
      case "b":
        out += "\b";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case "Z":
        out += "\x1a";
        break;
      // MySQL keeps the backslash before % and _ (they matter only in LIKE).
      case "%":
      case "_":
        out += "\\" + next;
        break;
      default:
        out += next;
    }
  }
  return out;
}

/** A signed SMALLINT in strict SQL mode: an integer from -32768 to 32767, anything else is refused. */
export function strictSmallint(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new SqlRefused("Incorrect integer value");
  const n = Number(text);
  if (n < -32768 || n > 32767) throw new SqlRefused("Out of range value");
  return n;
}
