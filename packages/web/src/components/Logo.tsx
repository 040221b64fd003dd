/** The loupe mark (decorative: the product name always sits beside it). */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <circle cx="13" cy="13" r="9" fill="none" stroke="var(--mantine-color-blue-7)" strokeWidth="4" />
      <path d="M19.5 19.5 28 28" stroke="var(--mantine-color-blue-7)" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}
