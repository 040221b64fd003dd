import { Anchor, Button, Group, Stack, Stepper, Text } from "@mantine/core";
import { useState } from "react";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { type SessionView, useRefreshSession } from "../api/session.ts";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { EnrolChooser } from "../components/enrol/EnrolChooser.tsx";
import { RecoveryCodesPanel } from "../components/enrol/RecoveryCodesPanel.tsx";
import type { EnrolResult } from "../components/enrol/types.ts";
import { recoveryCodesIn } from "../components/enrol/types.ts";

/**
 * The must-enrol step after the password: a normal step of setting up the account, not an error.
 * The session stays at stage "enrol" on the server until a factor is proven, so nothing else can
 * be reached from here. Recovery codes are shown once before going on.
 */
export function EnrolPage({ session }: { session: SessionView }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useRefreshSession();

  async function enrolled(result: EnrolResult) {
    if (result.recoveryCodes?.length) {
      setCodes(result.recoveryCodes);
      return;
    }
    try {
      const fresh = recoveryCodesIn(await post(endpoints.recoveryCodes));
      if (fresh?.length) setCodes(fresh);
      else await refresh();
    } catch (err) {
      setError(err);
    }
  }

  const urged = session.mfa?.decision === "urged";
  async function postpone() {
    try {
      await post(endpoints.postponeEnrolment);
      await refresh();
    } catch (err) {
      setError(err);
    }
  }

  const signOut = async () => {
    await post(endpoints.signOut).catch(() => {});
    await refresh();
  };

  return (
    <AuthLayout
      wide
      title="Set up two-step sign-in"
      subtitle={`Welcome${session.user ? `, ${session.user.name}` : ""}. Every Loupe account signs in with a password and a second factor. None of them needs a phone.`}
    >
      <Stepper active={codes ? 2 : 1} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Password" description="Done" />
        <Stepper.Step label="Second factor" description="Choose one" />
        <Stepper.Step label="Recovery codes" description="Save them" />
      </Stepper>
      {codes ? (
        <RecoveryCodesPanel codes={codes} onConfirmed={refresh} confirmLabel="Continue to Loupe" />
      ) : (
        <Stack gap="md">
          <Text size="sm">
            {urged
              ? "Your facility is moving to two-step sign-in. Choose how you will confirm it is you each time you sign in."
              : "Choose how you will confirm it is you each time you sign in."}{" "}
            You can add more later in Security settings; having two is wise.
          </Text>
          <EnrolChooser onEnrolled={enrolled} />
          <ErrorAlert error={error} />
        </Stack>
      )}
      {!codes && urged && (
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" c="dimmed">
            Your facility's deadline for this has not come yet. After it, you cannot sign in without it.
          </Text>
          <Button variant="subtle" onClick={postpone}>
            Remind me next time
          </Button>
        </Group>
      )}
      {!codes && (
        <Text size="sm" c="dimmed">
          Need to stop here?{" "}
          <Anchor component="button" type="button" onClick={signOut} size="sm">
            Sign out
          </Anchor>{" "}
          and continue later.
        </Text>
      )}
    </AuthLayout>
  );
}
