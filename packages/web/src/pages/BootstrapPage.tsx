import { Button, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { useRefreshSession } from "../api/session.ts";
import { useLinkToken } from "../app/link-token.ts";
import { navigate } from "../app/router.tsx";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { NewPasswordField, passwordProblem } from "../components/PasswordField.tsx";

/** First start: the single-use link printed by the server creates the first Studio Admin. */
export function BootstrapPage() {
  const token = useLinkToken();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = useRefreshSession();
  const weak = error instanceof ApiError && error.code === "WEAK_PASSWORD" ? error.message : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.bootstrap, { token, name, email, password });
      setPassword("");
      await refresh();
      navigate("/?welcome=admin", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Create the first Studio Admin"
      subtitle="This link works once. The account you create here runs Loupe: it onboards everyone else."
    >
      {!token && (
        <ErrorAlert error={new Error("This page needs the link Loupe printed when it first started.")} />
      )}
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label="Your full name"
            required
            autoFocus
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label="Your work email"
            description="Your own address, not a shared mailbox."
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <NewPasswordField value={password} onChange={setPassword} serverError={weak} />
          {!weak && <ErrorAlert error={error} title="The account was not created" />}
          <Button type="submit" loading={busy} disabled={!token || passwordProblem(password) !== null}>
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
