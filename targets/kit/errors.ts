// One error type for every wiring. An in-process call rethrows it unchanged; HTTP maps its code to a
// status through STATUS_BY_CODE; gRPC sends the canonical status plus the reason in metadata.

export type Code =
  | 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION' | 'ABORTED'
  | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE' | 'INTERNAL';

export class ServiceError extends Error {
  constructor(readonly code: Code, readonly reason: string, message: string) {
    super(message);
    this.name = 'ServiceError';
  }
  toJSON() { return { code: this.code, reason: this.reason, message: this.message }; }
}

/** The callee could not be reached or answered with something that is not a ServiceError. */
export class TransportError extends ServiceError {
  constructor(readonly transport: string, message: string, code: Code = 'UNAVAILABLE') {
    super(code, 'TRANSPORT', message);
    this.name = 'TransportError';
  }
}

/** Errors that are the answer to a request (a retry gets them again), not a failure to reach one. */
const BUSINESS_CODES: ReadonlySet<Code> = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'PERMISSION_DENIED']);
export const isBusiness = (err: unknown): err is ServiceError =>
  err instanceof ServiceError && !(err instanceof TransportError) && BUSINESS_CODES.has(err.code);

export const STATUS_BY_CODE: Record<Code, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** A few business reasons have a more telling HTTP status than their canonical code. */
const STATUS_BY_REASON: Record<string, number> = { PAYMENT_DECLINED: 402, BODY_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415 };

export const httpStatus = (e: ServiceError) => STATUS_BY_REASON[e.reason] ?? STATUS_BY_CODE[e.code];

export const GRPC_STATUS: Record<Code, number> = {
  INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16,
};
export const CODE_BY_GRPC_STATUS = Object.fromEntries(Object.entries(GRPC_STATUS).map(([c, s]) => [s, c])) as Record<number, Code>;

/**
 * Reasons any method may raise without declaring them: the boundary's own (bad input, a lost
 * deadline, a transport failure, an unexpected error), not the business's.
 */
export const GENERIC_REASONS: ReadonlySet<string> = new Set([
  'INVALID_INPUT', 'MALFORMED_JSON', 'MALFORMED_MESSAGE', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'NO_ROUTE',
  'DEADLINE_EXCEEDED', 'TRANSPORT', 'INTERNAL', 'CONTRACT_BROKEN', 'UNDECLARED_ERROR',
]);

export const isCode = (value: unknown): value is Code => typeof value === 'string' && value in STATUS_BY_CODE;

/** Anything thrown becomes a ServiceError; unexpected ones become INTERNAL without leaking stack traces. */
export function toServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ServiceError('INTERNAL', 'INTERNAL', message);
}

export const invalid = (reason: string, message: string) => new ServiceError('INVALID_ARGUMENT', reason, message);
export const notFound = (reason: string, message: string) => new ServiceError('NOT_FOUND', reason, message);
export const precondition = (reason: string, message: string) => new ServiceError('FAILED_PRECONDITION', reason, message);
