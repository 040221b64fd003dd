/** Dates as people read them, in the browser's own zone and language. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "Chrome on Linux" from a user-agent string; good enough to tell one's own devices apart */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X/.test(ua)
      ? "macOS"
      : /Android/.test(ua)
        ? "Android"
        : /iPhone|iPad/.test(ua)
          ? "iOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

const AMR_LABELS: Record<string, string> = {
  pwd: "password",
  otp: "code",
  hwk: "security key",
  swk: "passkey",
  rec: "recovery code",
};

export function describeAmr(amr: string[] | null | undefined): string {
  if (!amr?.length) return "—";
  return amr.map((m) => AMR_LABELS[m] ?? m).join(" + ");
}
