import { PasswordInput, Progress, Stack, Text } from "@mantine/core";
import { useId } from "react";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** The only local rule is length (NIST SP 800-63B): the server also refuses common passwords. */
export function passwordProblem(value: string): string | null {
  const length = [...value].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters (${length} so far).`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  return null;
}

/**
 * A new password with live length feedback. There are no composition rules: a long phrase of
 * ordinary words is a good password. `serverError` carries the server's refusal (e.g. a common
 * password) so it is read out next to the field.
 */
export function NewPasswordField(props: {
  value: string;
  onChange: (v: string) => void;
  serverError?: string | null;
  label?: string;
  autoFocus?: boolean;
}) {
  const hintId = useId();
  const length = [...props.value].length;
  const problem = props.value ? passwordProblem(props.value) : null;
  const ratio = Math.min(1, length / 16);
  const color = length < PASSWORD_MIN ? "red" : length < 16 ? "yellow" : "teal";
  return (
    <Stack gap={6}>
      <PasswordInput
        label={props.label ?? "New password"}
        required
        autoComplete="new-password"
        autoFocus={props.autoFocus}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        error={props.serverError ?? undefined}
        aria-describedby={hintId}
        maxLength={PASSWORD_MAX * 2}
      />
      <Progress value={ratio * 100} color={color} size="xs" aria-hidden="true" />
      <Text id={hintId} size="xs" c={problem ? "red.8" : "dimmed"} aria-live="polite">
        {problem ??
          (props.value
            ? "Length is fine. Common and breached passwords are refused."
            : `${PASSWORD_MIN} to ${PASSWORD_MAX} characters, any characters. A phrase of several words works well.`)}
      </Text>
    </Stack>
  );
}
