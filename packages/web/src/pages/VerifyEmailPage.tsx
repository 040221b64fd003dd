import { Button, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { useLinkToken } from "../app/link-token.ts";
import { navigate } from "../app/router.tsx";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Notice } from "../components/Notice.tsx";

/**
 * The link from a "confirm your email address" mail. Confirming takes a click, not just opening
 * the page, so a mail scanner that follows links does not confirm for the person.
 */
export function VerifyEmailPage() {
  const token = useLinkToken();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.verifyEmail, { token });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Confirm your email address">
      {done ? (
        <Stack gap="md">
          <Notice title="Email address confirmed">Thank you. You can close this page or go to Loupe.</Notice>
          <Button onClick={() => navigate("/", { replace: true })}>Go to Loupe</Button>
        </Stack>
      ) : (
        <Stack gap="md">
          <Text size="sm">Confirm that this address is yours and that you can read mail sent to it.</Text>
          <ErrorAlert error={error} title="The address was not confirmed" />
          <Button onClick={confirm} loading={busy} disabled={!token}>
            Confirm my email address
          </Button>
        </Stack>
      )}
    </AuthLayout>
  );
}
