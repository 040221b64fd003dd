import { Button, Card, Checkbox, Group, Stack, Textarea } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { get, post } from "../../api/client.ts";
import { listOf } from "../../api/lists.ts";
import { ROLE_LABELS } from "../../api/session.ts";
import { navigate, useLocation } from "../../app/router.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { gov, type Line, PARTNER_ROLES, useTaskTypes } from "./governance-api.ts";

/** "Change" on an audit line: say what the person should hold; a change request goes to the studio. */
export function CampaignChangePage() {
  const { search } = useLocation();
  const id = search.get("id") ?? "";
  const lineId = search.get("line") ?? "";
  const qc = useQueryClient();
  const catalogue = useTaskTypes();
  const lines = useQuery({
    queryKey: ["gov", "lines", id],
    queryFn: async () => listOf<Line>(await get(gov.lines(id)), "lines"),
  });
  const line = lines.data?.find((l) => l.id === lineId);
  const [roles, setRoles] = useState<string[] | null>(null);
  const [tasks, setTasks] = useState<string[] | null>(null);
  const [note, setNote] = useState("");
  const send = useMutation({
    mutationFn: () =>
      post(gov.review(id, lineId), {
        decision: "change",
        roles: roles ?? line?.roles,
        taskTypes: tasks ?? line?.taskTypes,
        note,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["gov"] });
      navigate(`/governance/campaign?id=${id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  return (
    <>
      <PageHeader
        title={line ? `Change ${line.name}` : "Change"}
        description="The studio approves the change; the person keeps access meanwhile."
      />
      <Card withBorder padding="lg" maw={720}>
        <form onSubmit={submit}>
          <Stack>
            <Checkbox.Group label="Roles" value={roles ?? line?.roles ?? []} onChange={setRoles}>
              <Group mt="xs">
                {PARTNER_ROLES.map((r) => (
                  <Checkbox key={r} value={r} label={ROLE_LABELS[r]} />
                ))}
              </Group>
            </Checkbox.Group>
            <Checkbox.Group
              label="Approved task types"
              value={tasks ?? line?.taskTypes ?? []}
              onChange={setTasks}
            >
              <Stack gap={6} mt="xs">
                {(catalogue.data ?? []).map((t) => (
                  <Checkbox key={t.key} value={t.key} label={t.name} />
                ))}
              </Stack>
            </Checkbox.Group>
            <Textarea
              label="Note for the studio (optional)"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <ErrorAlert error={send.error} />
            <Group>
              <Button type="submit" loading={send.isPending}>
                Send change request
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}
