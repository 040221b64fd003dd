import { Badge, Button, Card, Group, Select, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { get } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { listOf } from "../../api/lists.ts";
import { ROLE_LABELS, type Role } from "../../api/session.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { formatDateTime } from "../../format.ts";
import { InviteUserModal } from "./InviteUserModal.tsx";
import { UserActions, type UserRow } from "./UserActions.tsx";

const STATUS_COLORS: Record<string, string> = {
  invited: "blue",
  active: "teal",
  suspended: "orange",
  deactivated: "gray",
};

/** Studio Admin: every account, invitations, status changes and factor resets. */
export function UsersPage() {
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [q] = useDebouncedValue(search, 250);
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const qc = useQueryClient();
  const users = useQuery({
    queryKey: ["users", q, status],
    queryFn: async () => {
      const params = new URLSearchParams();
      if (q) params.set("q", q);
      if (status) params.set("status", status);
      return listOf<UserRow>(await get(`${endpoints.users}?${params}`), "users");
    },
  });
  const done = (message: string) => {
    setNotice(message);
    void qc.invalidateQueries({ queryKey: ["users"] });
  };

  const rows = users.data ?? [];
  return (
    <>
      <PageHeader
        title="Users"
        description="One account per person. Every change here is recorded in the audit log."
        actions={<Button onClick={() => setInviting(true)}>Invite user</Button>}
      />
      {notice && <Notice>{notice}</Notice>}
      <Card withBorder padding="md">
        <Group gap="md" mb="md" align="flex-end">
          <TextInput
            label="Search"
            placeholder="Name or email"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={280}
          />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={["invited", "active", "suspended", "deactivated"]}
            value={status}
            onChange={setStatus}
            w={180}
          />
        </Group>
        <ErrorAlert error={users.error} />
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Organisation</Table.Th>
                <Table.Th>Roles</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Second factors</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {u.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {u.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>{u.partnerName ?? (u.partnerId ? "Partner" : "Studio")}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {u.roles.map((r) => (
                        <Badge key={r} variant="light" color="gray" size="sm">
                          {ROLE_LABELS[r as Role] ?? r}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={STATUS_COLORS[u.status] ?? "gray"}>
                      {u.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <MfaCell user={u} />
                  </Table.Td>
                  <Table.Td>{formatDateTime(u.createdAt)}</Table.Td>
                  <Table.Td ta="right">
                    <UserActions user={u} onDone={done} />
                  </Table.Td>
                </Table.Tr>
              ))}
              {users.isSuccess && rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text size="sm" c="dimmed">
                      No users match.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <InviteUserModal
        opened={inviting}
        onClose={() => setInviting(false)}
        onInvited={(email) => {
          setInviting(false);
          done(`Invitation sent to ${email}.`);
        }}
      />
    </>
  );
}

function MfaCell({ user }: { user: UserRow }) {
  if (!user.mfa) return <Text size="sm">—</Text>;
  const { factorCount, factorTypes } = user.mfa;
  const kinds = factorTypes.filter((t) => t !== "recovery");
  if (factorCount === 0)
    return (
      <Text size="sm" c={user.status === "active" ? "orange.8" : "dimmed"}>
        None yet
      </Text>
    );
  return (
    <Text size="sm">
      {factorCount} ({kinds.join(", ")})
    </Text>
  );
}
