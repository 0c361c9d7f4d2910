/**
 * A configuration document's text as data: JSON when it looks like JSON,
 * YAML (eemeli's yaml, loaded on first use) otherwise. Syntax errors are
 * INVALID_INPUT on "document" with the line and column.
 */
import { ToolError } from "../common/errors.js";
import { DOCUMENT_MAX, EXAMPLE } from "./configDoc.js";

/** The text of a document as data: JSON when it looks like JSON, YAML otherwise. */
export async function parseDocumentText(text: string): Promise<unknown> {
  if (text.length > DOCUMENT_MAX) {
    throw invalid(
      "document",
      `is ${text.length} characters long; at most ${DOCUMENT_MAX} are taken.`,
      "Split it into several documents (entries not named are never touched).",
    );
  }
  if (text.trim() === "") throw invalid("document", "is empty.", EXAMPLE);
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      // Not JSON after all: YAML's flow style also starts with { or [; let YAML judge it.
      if (!/^\s*\{\s*"/.test(text)) return parseYaml(text);
      throw invalid(
        "document",
        `is not valid JSON: ${(err as Error).message}.`,
        "Correct the JSON at that position, or write the document as YAML.",
      );
    }
  }
  return parseYaml(text);
}

/**
 * The YAML library, loaded on first use: most sessions never read a document,
 * and the server starts faster without it. esbuild's code splitting hands a
 * CommonJS package to a dynamic import as its default export only.
 */
export async function loadYaml(): Promise<typeof import("yaml")> {
  const mod = await import("yaml");
  return ((mod as { default?: typeof import("yaml") }).default ?? mod) as typeof import("yaml");
}

async function parseYaml(text: string): Promise<unknown> {
  const { parseDocument } = await loadYaml();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const e = doc.errors[0];
  if (e) {
    const at = e.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : "";
    const what = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw invalid(
      "document",
      `is not valid YAML: ${where}${what}.`,
      "Correct the document at that line (indent with spaces, quote values holding ': ' or starting with special characters).",
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    // An alias to no anchor, or aliases that would expand without bound.
    throw invalid(
      "document",
      `is not valid YAML: ${(err as Error).message}.`,
      "Remove the alias (*name) or define its anchor (&name) before it; a document needs no aliases.",
    );
  }
}

/** INVALID_INPUT for one path of the document. */
function invalid(path: string, message: string, fix: string): ToolError {
  return new ToolError({
    code: "INVALID_INPUT",
    field: path,
    message: `${path}: ${message}`,
    cause: "The document is checked whole before anything is sent; nothing was sent to VICIdial.",
    fix,
  });
}
