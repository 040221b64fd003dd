import { Anchor, Button, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { Link } from "../app/router.tsx";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Notice } from "../components/Notice.tsx";

/** Ask for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.passwordResetRequest, { email });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Resetting the password does not change your second factor: you will still need it to sign in."
    >
      {sent ? (
        <Notice title="Check your email">
          If {email} has a Loupe account, a link to choose a new password is on its way. It works for one
          hour.
        </Notice>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="md">
            <TextInput
              label="Email"
              type="email"
              required
              autoFocus
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <ErrorAlert error={error} />
            <Button type="submit" loading={busy}>
              Send reset link
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} href="/sign-in" size="sm" ta="center">
        Back to sign in
      </Anchor>
    </AuthLayout>
  );
}
