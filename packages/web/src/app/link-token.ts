import { useLocation } from "./router.tsx";

/**
 * The token of a mailed or printed link. Links carry it in the fragment (#token=...), which the
 * browser never sends to a server, so it stays out of logs and Referer headers.
 */
export function useLinkToken(): string {
  const { search } = useLocation();
  const fromHash = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token");
  return fromHash ?? search.get("token") ?? "";
}
