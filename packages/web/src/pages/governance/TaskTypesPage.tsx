import { Badge, Button, Card, Checkbox, Group, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { gov, type TaskType, useTaskTypes } from "./governance-api.ts";

/** Studio Admin: the catalogue of QC task types operators and verifiers are approved for. */
export function TaskTypesPage() {
  const types = useTaskTypes();
  const [editing, setEditing] = useState<TaskType | "new" | null>(null);
  return (
    <>
      <PageHeader
        title="Task types"
        description="The QC task types people can be approved for. A retired type stays on record but cannot be requested."
        actions={<Button onClick={() => setEditing("new")}>Add task type</Button>}
      />
      <ErrorAlert error={types.error} />
      {editing && <TaskTypeForm type={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      <Card withBorder padding="md">
        <Table verticalSpacing="sm" aria-label="Task types">
          <Table.Tbody>
            {(types.data ?? []).map((t) => (
              <Table.Tr key={t.key}>
                <Table.Td w={220}>
                  <Text size="sm" fw={500}>
                    {t.name}
                  </Text>
                  {t.requiresRole && <Badge size="xs">verifiers only</Badge>}{" "}
                  {!t.active && (
                    <Badge size="xs" color="gray">
                      retired
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t.description}</Text>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => setEditing(t)}
                    aria-label={`Edit ${t.name}`}
                  >
                    Edit
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </>
  );
}

function TaskTypeForm({ type, onDone }: { type: TaskType | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(type?.name ?? "");
  const [description, setDescription] = useState(type?.description ?? "");
  const [verifiersOnly, setVerifiersOnly] = useState(type?.requiresRole === "verifier");
  const [active, setActive] = useState(type?.active ?? true);
  const key =
    type?.key ??
    name
      .trim()
      .toLowerCase()
      .replace(/&/g, "and")
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, "");
  const save = useMutation({
    mutationFn: () =>
      api("PUT", `${gov.taskTypes}/${key}`, {
        name,
        description,
        requiresRole: verifiersOnly ? "verifier" : null,
        active,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["gov", "task-types"] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card withBorder padding="md">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={320}
          />
          <Textarea
            label="Description"
            required
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Group>
            <Checkbox
              label="Verifiers only"
              checked={verifiersOnly}
              onChange={(e) => setVerifiersOnly(e.currentTarget.checked)}
            />
            <Checkbox
              label="Can be requested"
              checked={active}
              onChange={(e) => setActive(e.currentTarget.checked)}
            />
          </Group>
          <ErrorAlert error={save.error} />
          <Group>
            <Button type="submit" loading={save.isPending} disabled={!key}>
              Save
            </Button>
            <Button variant="subtle" onClick={onDone}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
