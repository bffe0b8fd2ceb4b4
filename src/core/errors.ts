/** An error meant for the client: a status, a stable code and a sentence saying what to do. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The answer to a share over MAX_SHARE_BYTES, with its size when the client declared one. */
export function tooLarge(maxBytes: number, size?: number): ApiError {
  const limit = `the server accepts at most ${maxBytes} bytes per share`;
  return new ApiError(413, "TOO_LARGE", size === undefined ? `This session is too large: ${limit}.` : `This session is ${size} bytes; ${limit}.`);
}

export const notFound = (message = "No share with this id exists; it may have been deleted.") =>
  new ApiError(404, "NOT_FOUND", message);

/** A share past its lifetime: it answers 410 until the sweeper removes it. */
export const expired = (expiresAt: number) =>
  new ApiError(410, "EXPIRED", `This share expired on ${new Date(expiresAt).toISOString()} and is no longer available.`);
