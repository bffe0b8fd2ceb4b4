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

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const notFound = (message = "No share with this id exists; it may have been deleted.") =>
  new ApiError(404, "NOT_FOUND", message);
