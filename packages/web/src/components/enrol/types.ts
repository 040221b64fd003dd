/** What an enrolment step hands back: the new factor and, for a first factor, fresh recovery codes. */
export interface EnrolResult {
  recoveryCodes?: string[];
}

export interface EnrolProps {
  onEnrolled: (result: EnrolResult) => void;
  /** a name the person can change later in Security settings */
  defaultName?: string;
}

export function recoveryCodesIn(raw: unknown): string[] | undefined {
  const r = raw as { recoveryCodes?: unknown; codes?: unknown } | null;
  const codes = r?.recoveryCodes ?? r?.codes;
  return Array.isArray(codes) && codes.every((c) => typeof c === "string") ? codes : undefined;
}
