import {
  Badge,
  Button,
  Card,
  Group,
  MultiSelect,
  NumberInput,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { get, post } from "../../api/client.ts";
import { listOf } from "../../api/lists.ts";
import { useSession } from "../../api/session.ts";
import { Link } from "../../app/router.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { formatDateTime } from "../../format.ts";
import { type Campaign, gov, usePartners } from "./governance-api.ts";

/** Account audit campaigns: progress per partner, the report, and (Studio Admin) a new one. */
export function CampaignsPage() {
  const session = useSession();
  const roles = session.data?.user?.roles ?? [];
  const isAdmin = roles.includes("studio_admin");
  const isStudio = isAdmin || roles.includes("security_auditor");
  const campaigns = useQuery({
    queryKey: ["gov", "campaigns"],
    queryFn: async () => listOf<Campaign>(await get(gov.campaigns), "campaigns"),
  });
  return (
    <>
      <PageHeader
        title="Account audits"
        description="Every person at each partner is confirmed by their Vendor Manager: keep, change or remove."
      />
      {isAdmin && <LaunchCampaign />}
      <ErrorAlert error={campaigns.error} />
      {(campaigns.data ?? []).map((c) => (
        <Card withBorder padding="md" key={c.id}>
          <Group justify="space-between">
            <div>
              <Group gap="xs">
                <Text fw={600}>{c.name}</Text>
                <Badge variant="light" color={c.status === "open" ? "blue" : "gray"}>
                  {c.status}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                Deadline {formatDateTime(c.deadline)} · unreviewed lines then: {c.noResponseOutcome} ·
                reminders every {c.reminderEveryDays} days and {c.reminderDaysBefore} day(s) before
              </Text>
            </div>
            <Group gap="xs">
              <Button component={Link} href={`/governance/campaign?id=${c.id}`} size="xs">
                Review
              </Button>
              {isStudio && (
                <Button component="a" href={gov.report(c.id)} size="xs" variant="light">
                  Download CSV
                </Button>
              )}
            </Group>
          </Group>
          <Table mt="sm" aria-label={`Progress of ${c.name}`}>
            <Table.Tbody>
              {c.progress.map((p) => (
                <Table.Tr key={p.partnerId}>
                  <Table.Td w={240}>{p.partnerName}</Table.Td>
                  <Table.Td>
                    <Progress
                      value={p.lines ? (100 * p.reviewed) / p.lines : 100}
                      aria-label={`${p.partnerName} reviewed`}
                    />
                  </Table.Td>
                  <Table.Td w={220}>
                    {p.reviewed} of {p.lines} reviewed
                    {p.outcomeApplied ? ` · ${p.outcomeApplied} suspended` : ""}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ))}
    </>
  );
}

function LaunchCampaign() {
  const partners = usePartners();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [partnerIds, setPartnerIds] = useState<string[]>([]);
  const [deadline, setDeadline] = useState("");
  const [every, setEvery] = useState<number | string>(3);
  const [before, setBefore] = useState<number | string>(1);
  const [outcome, setOutcome] = useState<string>("suspend");
  const launch = useMutation({
    mutationFn: () =>
      post(gov.campaigns, {
        name,
        partnerIds: partnerIds.length ? partnerIds : null,
        deadline: new Date(`${deadline}T23:59:00`).toISOString(),
        reminderEveryDays: Number(every),
        reminderDaysBefore: Number(before),
        noResponseOutcome: outcome,
      }),
    onSuccess: () => {
      setName("");
      void qc.invalidateQueries({ queryKey: ["gov", "campaigns"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    launch.mutate();
  };
  return (
    <Card withBorder padding="md">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Text fw={600}>Launch an audit</Text>
          <Group align="flex-end">
            <TextInput
              label="Name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              w={260}
            />
            <MultiSelect
              label="Partners"
              placeholder="All partners"
              data={(partners.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
              value={partnerIds}
              onChange={setPartnerIds}
              w={280}
            />
            <TextInput
              label="Deadline"
              type="date"
              required
              value={deadline}
              onChange={(e) => setDeadline(e.currentTarget.value)}
            />
          </Group>
          <Group align="flex-end">
            <NumberInput
              label="Reminder every (days)"
              min={0}
              max={60}
              value={every}
              onChange={setEvery}
              w={180}
            />
            <NumberInput
              label="And days before the deadline"
              min={0}
              max={30}
              value={before}
              onChange={setBefore}
              w={200}
            />
            <Select
              label="Unreviewed at the deadline"
              data={[
                { value: "suspend", label: "Suspend until reviewed" },
                { value: "deactivate", label: "Deactivate" },
                { value: "none", label: "Leave, only report" },
              ]}
              value={outcome}
              onChange={(v) => setOutcome(v ?? "suspend")}
              allowDeselect={false}
              w={220}
            />
            <Button type="submit" loading={launch.isPending}>
              Launch and mail the Vendor Managers
            </Button>
          </Group>
          <ErrorAlert error={launch.error} />
        </Stack>
      </form>
    </Card>
  );
}
