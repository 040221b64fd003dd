import { Anchor, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { useRefreshSession } from "../api/session.ts";
import { Link, useLocation } from "../app/router.tsx";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Notice } from "../components/Notice.tsx";

/** Step one of signing in: email and password. The second factor follows on its own screen. */
export function SignInPage({ ended }: { ended?: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = useRefreshSession();
  const search = useLocation().search;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.signIn, { email, password });
      setPassword("");
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Sign in" subtitle="The studio's QC partner programme">
      {search.has("ready") && (
        <Notice title="Your email is verified">
          Sign in with your new password to set up two-step sign-in.
        </Notice>
      )}
      {search.has("reset") && (
        <Notice title="Password changed">Sign in with your new password and your usual second factor.</Notice>
      )}
      {search.has("signed-out") && <Notice>You are signed out.</Notice>}
      {ended === "expired" && <Notice color="blue">Your session expired. Please sign in again.</Notice>}
      {ended === "account_inactive" && (
        <Notice color="orange">This account is not active. Contact the studio if you need access.</Notice>
      )}
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
          <PasswordInput
            label="Password"
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <ErrorAlert error={error} title="Could not sign in" />
          <Button type="submit" loading={busy} fullWidth>
            Continue
          </Button>
          <Anchor component={Link} href="/forgot-password" size="sm" ta="center">
            Forgot your password?
          </Anchor>
        </Stack>
      </form>
    </AuthLayout>
  );
}
