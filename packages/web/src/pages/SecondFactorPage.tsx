import { Anchor, Stack, Text } from "@mantine/core";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { type SessionView, useRefreshSession } from "../api/session.ts";
import { AuthLayout } from "../components/AuthLayout.tsx";
import { SecondFactorForm } from "../components/SecondFactorForm.tsx";

/** Step two of signing in: the password was right, now a second factor. */
export function SecondFactorPage({ session }: { session: SessionView }) {
  const refresh = useRefreshSession();
  const signOut = async () => {
    await post(endpoints.signOut).catch(() => {});
    await refresh();
  };
  return (
    <AuthLayout
      title="Confirm it is you"
      subtitle={session.user ? `Signing in as ${session.user.email}` : "Second step of signing in"}
    >
      <Stack gap="md">
        <SecondFactorForm mode="sign-in" methods={session.mfa?.methods} onDone={refresh} />
        <Text size="sm" c="dimmed" ta="center">
          Not you?{" "}
          <Anchor component="button" type="button" onClick={signOut} size="sm">
            Start again
          </Anchor>
        </Text>
      </Stack>
    </AuthLayout>
  );
}
