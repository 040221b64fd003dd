import { Box, Center, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { Logo } from "./Logo.tsx";

/** The frame of every page shown before someone is fully signed in: one centred card. */
export function AuthLayout(props: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <Box bg="gray.0" mih="100vh" py={48} px="md">
      <Center>
        <Stack w="100%" maw={props.wide ? 640 : 480} gap="lg">
          <Group gap="xs" justify="center">
            <Logo size={28} />
            <Text fw={700} fz="xl">
              Loupe
            </Text>
          </Group>
          <Paper withBorder shadow="xs" radius="md" p="xl">
            <Stack gap="md">
              <div>
                <Title order={1} fz="h2">
                  {props.title}
                </Title>
                {props.subtitle && (
                  <Text c="dimmed" size="sm" mt={4}>
                    {props.subtitle}
                  </Text>
                )}
              </div>
              {props.children}
            </Stack>
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
