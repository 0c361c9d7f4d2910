/**
 * The error shape every tool returns (docs/contract.md, "Errors").
 * `cause` and `fix` are written for a call-centre administrator: which screen,
 * which setting, which value.
 */
export const ERROR_CODES = [
  "AUTH_FAILED",
  "ACCOUNT_LOCKED",
  "IP_NOT_ALLOWED",
  "PERMISSION_DENIED",
  "CAMPAIGN_NOT_FOUND",
  "CAMPAIGN_NOT_ALLOWED",
  "ALT_MODE_OFF",
  "ALT_URL_NOT_FOUND",
  "INVALID_INPUT",
  "READ_ONLY",
  "DECLINED",
  "VICIDIAL_UNREACHABLE",
  "TIMEOUT",
  "VICIDIAL_ERROR",
  "UNEXPECTED_RESPONSE",
  "VERIFY_FAILED",
  "PLAN_STALE",
  "CONFLICT",
  "RATE_LIMITED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  cause: string;
  fix: string;
  retryable: boolean;
  /** VICIdial's own line, with every secret removed; null when VICIdial said nothing. */
  vicidial_response: string | null;
  /** For INVALID_INPUT: the argument at fault. */
  field?: string;
}

export class ToolError extends Error {
  readonly code: ErrorCode;
  /** Named `reason` (not `cause`) so it never collides with Error.cause. */
  readonly reason: string;
  readonly fix: string;
  readonly retryable: boolean;
  readonly vicidialResponse: string | null;
  readonly field: string | undefined;
  /** Result fields that go with the error (PLAN_STALE's new plan, CONFLICT's row as it is now). */
  readonly details: { structured: Record<string, unknown>; text: string } | undefined;

  constructor(p: {
    code: ErrorCode;
    message: string;
    cause: string;
    fix: string;
    retryable?: boolean;
    vicidialResponse?: string | null;
    field?: string;
    details?: { structured: Record<string, unknown>; text: string };
  }) {
    super(p.message);
    this.name = "ToolError";
    this.code = p.code;
    this.reason = p.cause;
    this.fix = p.fix;
    this.retryable = p.retryable ?? false;
    this.vicidialResponse = p.vicidialResponse ?? null;
    this.field = p.field;
    this.details = p.details;
  }

  toPayload(): ErrorPayload {
    const out: ErrorPayload = {
      code: this.code,
      message: this.message,
      cause: this.reason,
      fix: this.fix,
      retryable: this.retryable,
      vicidial_response: this.vicidialResponse,
    };
    if (this.field !== undefined) out.field = this.field;
    return out;
  }
}

/** Bad argument: nothing was sent to VICIdial. */
export function invalidInput(field: string, message: string, fix: string): ToolError {
  return new ToolError({
    code: "INVALID_INPUT",
    field,
    message: `${field}: ${message}`,
    cause: `The value given for "${field}" cannot be used as it is; nothing was sent to VICIdial.`,
    fix,
  });
}

/**
 * Any failure as the contract's error: a ToolError as it is, anything else
 * (a fault in this server) as UNEXPECTED_RESPONSE naming what to look at.
 */
export function asToolError(err: unknown, where = "this entry"): ToolError {
  if (err instanceof ToolError) return err;
  return new ToolError({
    code: "UNEXPECTED_RESPONSE",
    message: `Internal error: ${(err as Error)?.message ?? String(err)}`,
    cause: "The server met a situation it does not handle.",
    fix: `Call list_alt_urls on ${where} to see its current state; report this message to the server's maintainers.`,
  });
}
