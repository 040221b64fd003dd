import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { del, get, patch } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { sessionKey } from "../../api/session.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { EnrolChooser } from "../../components/enrol/EnrolChooser.tsx";
import { RecoveryCodesPanel } from "../../components/enrol/RecoveryCodesPanel.tsx";
import type { EnrolResult } from "../../components/enrol/types.ts";
import { Notice } from "../../components/Notice.tsx";
import { useStepUp } from "../../components/StepUp.tsx";
import { formatDateTime } from "../../format.ts";

export interface Factor {
  id: string;
  kind: string;
  name: string;
  createdAt?: string;
  lastUsedAt?: string | null;
}

interface FactorsResponse {
  factors: Factor[];
  recoveryCodesRemaining?: number;
}

const KIND_LABELS: Record<string, string> = {
  totp: "Authenticator app",
  oath: "Hardware token",
  webauthn: "Security key",
};

export const factorsKey = ["factors"] as const;

export function useFactors() {
  return useQuery({
    queryKey: factorsKey,
    queryFn: async (): Promise<FactorsResponse> => {
      const raw = await get<FactorsResponse | Factor[]>(endpoints.factors);
      const list = Array.isArray(raw) ? { factors: raw } : raw;
      return {
        ...list,
        factors: list.factors.map((f) => ({ ...f, kind: f.kind ?? (f as { type?: string }).type ?? "" })),
      };
    },
  });
}

/** The user's second factors: add, rename, remove (removing needs a fresh factor). */
export function FactorsSection() {
  const factors = useFactors();
  const qc = useQueryClient();
  const stepUp = useStepUp();
  const [adding, setAdding] = useState(false);
  const [newCodes, setNewCodes] = useState<string[] | null>(null);
  const [renaming, setRenaming] = useState<Factor | null>(null);
  const [removing, setRemoving] = useState<Factor | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const reload = () => {
    void qc.invalidateQueries({ queryKey: factorsKey });
    void qc.invalidateQueries({ queryKey: sessionKey });
  };

  function enrolled(result: EnrolResult) {
    setAdding(false);
    setNotice("The new factor is ready to use.");
    if (result.recoveryCodes?.length) setNewCodes(result.recoveryCodes);
    reload();
  }

  async function remove() {
    if (!removing) return;
    setBusy(true);
    setError(null);
    try {
      await stepUp(() => del(endpoints.factor(removing.id)));
      setNotice(`“${removing.name}” was removed.`);
      setRemoving(null);
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const list = factors.data?.factors ?? [];
  return (
    <Card withBorder padding="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <div>
            <Title order={2} fz="h4">
              Second factors
            </Title>
            <Text size="sm" c="dimmed">
              Holding two lets you sign in when one is lost or left at home.
            </Text>
          </div>
          <Button onClick={() => setAdding(true)}>Add a factor</Button>
        </Group>
        {notice && <Notice>{notice}</Notice>}
        <ErrorAlert error={factors.error ?? error} />
        {list.length === 1 && (
          <Text size="sm" c="orange.9">
            You have one second factor. Add another so a lost key or computer does not lock you out.
          </Text>
        )}
        <Table verticalSpacing="sm" highlightOnHover aria-label="Your second factors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td fw={500}>{f.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color="gray">
                    {KIND_LABELS[f.kind] ?? f.kind}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDateTime(f.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(f.lastUsedAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setRenaming(f)}
                      aria-label={`Rename ${f.name}`}
                    >
                      Rename
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      onClick={() => setRemoving(f)}
                      aria-label={`Remove ${f.name}`}
                    >
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            {factors.isSuccess && list.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text size="sm" c="dimmed">
                    No second factor yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Stack>

      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a second factor" size="lg">
        <EnrolChooser onEnrolled={enrolled} />
      </Modal>
      <Modal
        opened={newCodes !== null}
        onClose={() => setNewCodes(null)}
        title="Your recovery codes"
        size="lg"
      >
        {newCodes && (
          <RecoveryCodesPanel codes={newCodes} onConfirmed={() => setNewCodes(null)} confirmLabel="Done" />
        )}
      </Modal>
      <RenameModal
        factor={renaming}
        onClose={() => setRenaming(null)}
        onRenamed={() => {
          setRenaming(null);
          reload();
        }}
      />
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title="Remove this factor?">
        <Stack gap="md">
          <Text size="sm">
            “{removing?.name}” will no longer sign you in. You will be asked to confirm with another factor.
          </Text>
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              Keep it
            </Button>
            <Button color="red" onClick={remove} loading={busy}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function RenameModal(props: { factor: Factor | null; onClose: () => void; onRenamed: () => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [forId, setForId] = useState<string | null>(null);
  if (props.factor && forId !== props.factor.id) {
    setForId(props.factor.id);
    setName(props.factor.name);
    setError(null);
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!props.factor) return;
    setBusy(true);
    try {
      await patch(endpoints.factor(props.factor.id), { name: name.trim() });
      setForId(null);
      props.onRenamed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={props.factor !== null} onClose={props.onClose} title="Rename factor">
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label="Name"
            required
            data-autofocus
            maxLength={60}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!name.trim()}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
