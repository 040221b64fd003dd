import { Button, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { useLinkToken } from "../app/link-token.ts";
import { navigate } from "../app/router.tsx";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { NewPasswordField, passwordProblem } from "../components/PasswordField.tsx";

interface InvitationView {
  email?: string;
  name?: string;
  partnerName?: string | null;
}

/**
 * The link in the invitation mail: opening it proves the address is the person's own, and they
 * choose a password. Two-step sign-in is set up at the first sign-in that follows.
 */
export function AcceptInvitationPage() {
  const token = useLinkToken();
  const invitation = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => post<InvitationView>(endpoints.inspectInvitation, { token }),
    enabled: Boolean(token),
    retry: false,
  });
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const weak = error instanceof ApiError && error.code === "WEAK_PASSWORD" ? error.message : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.acceptInvitation, { token, password });
      setPassword("");
      navigate("/sign-in?ready=1", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const who = invitation.data;
  const linkProblem = invitation.error;
  return (
    <AuthLayout
      title="Set up your Loupe account"
      subtitle="Choose a password to confirm your email address. Next you will set up two-step sign-in."
    >
      {!token && <ErrorAlert error={new Error("This page needs the link from your invitation email.")} />}
      {linkProblem && <ErrorAlert error={linkProblem} title="This link cannot be used" />}
      {who?.email && (
        <Text size="sm">
          Account for <strong>{who.name ?? who.email}</strong> ({who.email})
          {who.partnerName ? ` at ${who.partnerName}` : ""}.
        </Text>
      )}
      <form onSubmit={submit}>
        <Stack gap="md">
          {who?.email && (
            <input type="email" name="username" autoComplete="username" value={who.email} readOnly hidden />
          )}
          <NewPasswordField value={password} onChange={setPassword} serverError={weak} autoFocus />
          {!weak && <ErrorAlert error={error} title="Your account was not set up" />}
          <Button type="submit" loading={busy} disabled={!token || passwordProblem(password) !== null}>
            Verify email and set password
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
