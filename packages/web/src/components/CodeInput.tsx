import { TextInput } from "@mantine/core";

/** A one-time code from an authenticator app or hardware token: digits only, filled by password managers. */
export function CodeInput(props: {
  value: string;
  onChange: (v: string) => void;
  label?: string;
  description?: string;
  autoFocus?: boolean;
  error?: string | null;
}) {
  return (
    <TextInput
      label={props.label ?? "6-digit code"}
      description={props.description}
      required
      autoFocus={props.autoFocus}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={10}
      value={props.value}
      error={props.error ?? undefined}
      onChange={(e) => props.onChange(e.currentTarget.value.replace(/[^0-9]/g, ""))}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", letterSpacing: "0.2em" } }}
    />
  );
}
