import { Alert } from "@mantine/core";
import { ApiError } from "../api/client.ts";

/** A failed request, said plainly; role="alert" so screen readers announce it when it appears. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? error.message + (error.retryAfterSeconds ? ` Try again in ${error.retryAfterSeconds} s.` : "")
      : error instanceof Error
        ? error.message
        : String(error);
  const issues =
    error instanceof ApiError && Array.isArray(error.details?.issues)
      ? (error.details.issues as { path?: string; message?: string }[])
      : [];
  return (
    <Alert color="red" variant="light" title={title ?? "That did not work"} role="alert">
      {message}
      {issues.length > 0 && (
        <ul style={{ margin: "0.25rem 0 0", paddingLeft: "1.25rem" }}>
          {issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              {i.path ? `${i.path.replace(/^\//, "")}: ` : ""}
              {i.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
