import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Link } from "../app/router.tsx";

/** Unknown paths and pages the user's roles do not reach look the same: nothing to see here. */
export function NotFoundPage() {
  return (
    <Stack gap="xs">
      <Title order={1} fz="h2">
        Page not found
      </Title>
      <Text>This page does not exist, or your account does not have access to it.</Text>
      <Anchor component={Link} href="/">
        Go to the start page
      </Anchor>
    </Stack>
  );
}
