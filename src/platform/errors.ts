/** Typed domain errors; the HTTP layer maps them to status codes and zh/en messages. */

export type ErrorDetails = Record<string, unknown>;

export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    /** Stable machine code, also the i18n message key, e.g. `area_not_found`. */
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request cannot be understood or breaks a rule the caller can fix. */
export class Invalid extends DomainError {
  readonly status = 400;
}
/** 401: no valid credentials. */
export class Unauthorized extends DomainError {
  readonly status = 401;
}
/** 403: authenticated but not allowed. */
export class Forbidden extends DomainError {
  readonly status = 403;
}
/** 404: absent — or outside the caller's scope, which must look the same. */
export class NotFound extends DomainError {
  readonly status = 404;
}
/** 409: the record changed underneath, or the state does not allow this. */
export class Conflict extends DomainError {
  readonly status = 409;
}
/** 413: body or file too large. */
export class TooLarge extends DomainError {
  readonly status = 413;
}
/** 429: too many attempts. */
export class TooMany extends DomainError {
  readonly status = 429;
}
