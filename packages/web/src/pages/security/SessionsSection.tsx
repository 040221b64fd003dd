import { Badge, Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { del, get, post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { describeUserAgent, formatDateTime } from "../../format.ts";

interface SessionRow {
  id: string;
  current?: boolean;
  createdAt?: string;
  lastSeenAt?: string;
  ip?: string | null;
  userAgent?: string | null;
}

/** Where the account is signed in; end one session or every other one. */
export function SessionsSection() {
  const qc = useQueryClient();
  const sessions = useQuery({
    queryKey: ["sessions"],
    queryFn: async () => {
      const raw = await get<SessionRow[] | { sessions: SessionRow[] }>(endpoints.sessions);
      return Array.isArray(raw) ? raw : raw.sessions;
    },
  });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function act(key: string, action: () => Promise<unknown>, done: string) {
    setBusy(key);
    setError(null);
    try {
      await action();
      setNotice(done);
      await qc.invalidateQueries({ queryKey: ["sessions"] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  const rows = sessions.data ?? [];
  const others = rows.filter((s) => !s.current).length;
  return (
    <Card withBorder padding="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} fz="h4">
              Where you are signed in
            </Title>
            <Text size="sm" c="dimmed">
              End any session you do not recognise, then change your password.
            </Text>
          </div>
          <Button
            variant="default"
            color="red"
            disabled={others === 0}
            loading={busy === "others"}
            onClick={() =>
              act(
                "others",
                () => post(endpoints.signOutEverywhere, { includeCurrent: false }),
                "Every other session was signed out.",
              )
            }
          >
            Sign out everywhere else
          </Button>
        </Group>
        {notice && <Notice>{notice}</Notice>}
        <ErrorAlert error={sessions.error ?? error} />
        <Table verticalSpacing="sm" aria-label="Your sessions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Device</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Signed in</Table.Th>
              <Table.Th>Last active</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Group gap="xs">
                    {describeUserAgent(s.userAgent)}
                    {s.current && (
                      <Badge size="sm" variant="light">
                        This browser
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{s.ip ?? "—"}</Table.Td>
                <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
                <Table.Td ta="right">
                  {!s.current && (
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      loading={busy === s.id}
                      aria-label={`Sign out ${describeUserAgent(s.userAgent)} session from ${formatDateTime(s.createdAt)}`}
                      onClick={() =>
                        act(s.id, () => del(endpoints.session1(s.id)), "That session was signed out.")
                      }
                    >
                      Sign out
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
