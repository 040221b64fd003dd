import { Badge, Button, Card, Group, Modal, Select, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { get, post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { listOf } from "../../api/lists.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { formatDateTime } from "../../format.ts";
import { ImportTokensModal } from "./ImportTokensModal.tsx";
import type { UserRow } from "./UserActions.tsx";

interface TokenRow {
  serial: string;
  digits: number;
  period: number;
  algorithm: string;
  importedAt: string;
  assignedEmail: string | null;
  assignedAt: string | null;
  confirmedAt: string | null;
  lastUsedAt: string | null;
  status: "unassigned" | "assigned" | "active" | "revoked";
}

const STATUS: Record<TokenRow["status"], { label: string; color: string }> = {
  unassigned: { label: "In stock", color: "gray" },
  assigned: { label: "Waiting for first code", color: "blue" },
  active: { label: "In use", color: "teal" },
  revoked: { label: "Revoked", color: "red" },
};

/**
 * Studio Admin: hardware OATH tokens for people who have neither a phone nor a computer at hand.
 * Import the seed file from the vendor, hand a token to a person and assign it here; it counts once
 * they prove they hold it with a code.
 */
export function HardwareTokensPage() {
  const qc = useQueryClient();
  const tokens = useQuery({
    queryKey: ["oath-tokens"],
    queryFn: async () => listOf<TokenRow>(await get(endpoints.oathTokens), "tokens"),
  });
  const [importing, setImporting] = useState(false);
  const [assigning, setAssigning] = useState<TokenRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = (message: string) => {
    setNotice(message);
    void qc.invalidateQueries({ queryKey: ["oath-tokens"] });
  };

  const rows = tokens.data ?? [];
  return (
    <>
      <PageHeader
        title="Hardware tokens"
        description="Code-generating tokens for people without a phone or computer at hand. Seeds are never shown again after import."
        actions={<Button onClick={() => setImporting(true)}>Import seeds</Button>}
      />
      {notice && <Notice>{notice}</Notice>}
      <Card withBorder padding="md">
        <ErrorAlert error={tokens.error} />
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" aria-label="Hardware tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Serial</Table.Th>
                <Table.Th>Codes</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Holder</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((t) => (
                <Table.Tr key={t.serial}>
                  <Table.Td ff="monospace">{t.serial}</Table.Td>
                  <Table.Td>
                    {t.digits} digits, {t.period} s, {t.algorithm}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={STATUS[t.status].color}>
                      {STATUS[t.status].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t.assignedEmail ?? "—"}</Table.Td>
                  <Table.Td>{formatDateTime(t.lastUsedAt)}</Table.Td>
                  <Table.Td ta="right">
                    {t.status === "unassigned" && (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setAssigning(t)}
                        aria-label={`Assign token ${t.serial}`}
                      >
                        Assign
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {tokens.isSuccess && rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed">
                      No tokens yet. Import the seed file that came with them.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <ImportTokensModal
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(n) => {
          setImporting(false);
          reload(`${n} ${n === 1 ? "token was" : "tokens were"} imported.`);
        }}
      />
      <AssignModal
        token={assigning}
        onClose={() => setAssigning(null)}
        onAssigned={(email) => {
          const serial = assigning?.serial;
          setAssigning(null);
          reload(`Token ${serial} is assigned to ${email}. It counts once they enter a code from it.`);
        }}
      />
    </>
  );
}

function AssignModal(props: {
  token: TokenRow | null;
  onClose: () => void;
  onAssigned: (email: string) => void;
}) {
  const users = useQuery({
    queryKey: ["users", "for-token"],
    queryFn: async () => listOf<UserRow>(await get(endpoints.users), "users"),
    enabled: props.token !== null,
  });
  const [userId, setUserId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const options = (users.data ?? [])
    .filter((u) => u.status === "active" || u.status === "invited")
    .map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!props.token || !userId) return;
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.oathAssign(props.token.serial), { userId });
      props.onAssigned(users.data?.find((u) => u.id === userId)?.email ?? "");
      setUserId(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened={props.token !== null}
      onClose={props.onClose}
      title={`Assign token ${props.token?.serial ?? ""}`}
    >
      <form onSubmit={submit}>
        <Stack gap="md">
          <Select
            label="Person"
            description="Hand the token to this person; they confirm it with a code at their next sign-in."
            required
            searchable
            data-autofocus
            data={options}
            value={userId}
            onChange={setUserId}
            nothingFoundMessage="Nobody by that name"
          />
          <ErrorAlert error={error ?? users.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!userId}>
              Assign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
