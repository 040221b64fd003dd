/**
 * The one way the UI talks to the Loupe API: JSON in and out, the session's CSRF token on every
 * state-changing request, and the server's error shape { error: { code, message, details } }
 * turned into an ApiError that pages show in an Alert.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    details?: Record<string, unknown>,
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

let csrfToken: string | null = null;

/** set from GET /api/auth/session; before there is a session any non-empty value is accepted */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = csrfToken ?? "none";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "NETWORK", "Loupe cannot be reached. Check your connection and try again.");
  }
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
      ?.error;
    const retry = Number(res.headers.get("retry-after")) || undefined;
    throw new ApiError(
      res.status,
      err?.code ?? "HTTP_" + res.status,
      err?.message ?? `The server answered ${res.status}.`,
      err?.details,
      retry,
    );
  }
  // a step that rotates the session (sign-in, second factor, first enrolment) answers the new
  // session's anti-CSRF token: every later request must carry it
  const answer = data as { csrfToken?: unknown; session?: { csrfToken?: unknown } | null } | undefined;
  const rotated = answer?.csrfToken ?? answer?.session?.csrfToken;
  if (typeof rotated === "string" && rotated) csrfToken = rotated;
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: "BAD_RESPONSE", message: "The server sent an answer Loupe cannot read." } };
  }
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => api<T>("POST", path, body);
export const patch = <T>(path: string, body: unknown = {}) => api<T>("PATCH", path, body);
export const del = <T>(path: string, body?: unknown) => api<T>("DELETE", path, body);
