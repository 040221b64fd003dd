import { Anchor, Button, Stack } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { useLinkToken } from "../app/link-token.ts";
import { Link, navigate } from "../app/router.tsx";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { NewPasswordField, passwordProblem } from "../components/PasswordField.tsx";

/** The link from the reset mail: choose a new password. Second factors stay as they are. */
export function ResetPasswordPage() {
  const token = useLinkToken();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const weak = error instanceof ApiError && error.code === "WEAK_PASSWORD" ? error.message : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.passwordResetComplete, { token, password });
      setPassword("");
      navigate("/sign-in?reset=1", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Choose a new password" subtitle="Other sessions of your account will be signed out.">
      {!token && <ErrorAlert error={new Error("This page needs the link from your reset email.")} />}
      <form onSubmit={submit}>
        <Stack gap="md">
          <NewPasswordField value={password} onChange={setPassword} serverError={weak} autoFocus />
          {!weak && <ErrorAlert error={error} title="The password was not changed" />}
          <Button type="submit" loading={busy} disabled={!token || passwordProblem(password) !== null}>
            Set new password
          </Button>
          <Anchor component={Link} href="/sign-in" size="sm" ta="center">
            Back to sign in
          </Anchor>
        </Stack>
      </form>
    </AuthLayout>
  );
}
