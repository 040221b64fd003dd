import { Button, Card, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { NewPasswordField, passwordProblem } from "../../components/PasswordField.tsx";
import { useStepUp } from "../../components/StepUp.tsx";

/** Change the password: the current one, then the new one. You are mailed when it changes. */
export function PasswordSection() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const [ended, setEnded] = useState(0);
  const stepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const weak = error instanceof ApiError && error.code === "WEAK_PASSWORD" ? error.message : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const res = await stepUp(() =>
        post<{ otherSessionsEnded?: number }>(endpoints.passwordChange, {
          currentPassword: current,
          newPassword: next,
        }),
      );
      setEnded(res.otherSessionsEnded ?? 0);
      setCurrent("");
      setNext("");
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit}>
        <Stack gap="sm" maw={420}>
          <div>
            <Title order={2} fz="h4">
              Password
            </Title>
            <Text size="sm" c="dimmed">
              There is no need to change it on a schedule; change it if you think someone else knows it.
            </Text>
          </div>
          {done && (
            <Notice>
              Your password was changed.
              {ended > 0
                ? ` ${ended} other ${ended === 1 ? "session was" : "sessions were"} signed out.`
                : ""}
            </Notice>
          )}
          <PasswordInput
            label="Current password"
            required
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <NewPasswordField value={next} onChange={setNext} serverError={weak} />
          {!weak && <ErrorAlert error={error} title="The password was not changed" />}
          <Button
            type="submit"
            loading={busy}
            disabled={!current || passwordProblem(next) !== null}
            w="fit-content"
          >
            Change password
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
