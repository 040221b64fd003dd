import {
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Select,
  SimpleGrid,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { get } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { describeUserAgent, formatDateTime } from "../../format.ts";

interface AuditEvent {
  seq: number;
  at: string;
  action: string;
  outcome: "success" | "failure";
  reason: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

interface Filters {
  actor: string;
  target: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actor: "", target: "", action: "", outcome: "", from: "", to: "" };

function toParams(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.actor) p.set("actor", f.actor);
  if (f.target) p.set("target", f.target);
  if (f.action) p.set("action", f.action);
  if (f.outcome) p.set("outcome", f.outcome);
  // dates are whole days in the browser's zone, sent as instants
  if (f.from) p.set("from", new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) p.set("to", new Date(`${f.to}T23:59:59.999`).toISOString());
  return p;
}

/** Studio Admins and Security Auditors: search the append-only audit log, export what they see as CSV. */
export function AuditLogPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const params = toParams(applied);
  const events = useInfiniteQuery({
    queryKey: ["audit", params.toString()],
    initialPageParam: null as number | null,
    queryFn: async ({ pageParam }) => {
      const page = new URLSearchParams(params);
      if (pageParam) page.set("before", String(pageParam));
      return get<{ events: AuditEvent[]; nextBefore: number | null }>(`${endpoints.audit}?${page}`);
    },
    getNextPageParam: (last) => last.nextBefore,
  });
  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  function search(e: FormEvent) {
    e.preventDefault();
    setApplied(draft);
  }

  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every sign-in, factor change, reset, session revocation and admin action. Entries cannot be changed."
        actions={
          <Button component="a" href={`${endpoints.auditCsv}?${params}`} variant="default" download>
            Export CSV
          </Button>
        }
      />
      <Card withBorder padding="md">
        <form onSubmit={search} aria-label="Filter the audit log">
          <SimpleGrid cols={{ base: 1, sm: 3, lg: 6 }} spacing="sm">
            <TextInput
              label="Actor"
              placeholder="Email"
              value={draft.actor}
              onChange={(e) => set("actor")(e.currentTarget.value)}
            />
            <TextInput
              label="Target"
              placeholder="Email or id"
              value={draft.target}
              onChange={(e) => set("target")(e.currentTarget.value)}
            />
            <TextInput
              label="Action"
              placeholder="e.g. auth.sign_in"
              value={draft.action}
              onChange={(e) => set("action")(e.currentTarget.value)}
            />
            <Select
              label="Outcome"
              placeholder="Any"
              clearable
              data={[
                { value: "success", label: "Success" },
                { value: "failure", label: "Failure" },
              ]}
              value={draft.outcome || null}
              onChange={(v) => set("outcome")(v ?? "")}
            />
            <TextInput
              label="From"
              type="date"
              value={draft.from}
              onChange={(e) => set("from")(e.currentTarget.value)}
            />
            <TextInput
              label="To"
              type="date"
              value={draft.to}
              onChange={(e) => set("to")(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Group mt="sm" gap="sm">
            <Button type="submit">Search</Button>
            <Button
              variant="subtle"
              onClick={() => {
                setDraft(EMPTY);
                setApplied(EMPTY);
              }}
            >
              Clear filters
            </Button>
          </Group>
        </form>
      </Card>
      <Card withBorder padding="md">
        <ErrorAlert error={events.error} />
        <Text size="sm" c="dimmed" mb="xs" aria-live="polite">
          {events.isSuccess
            ? `${rows.length}${events.hasNextPage ? "+" : ""} ${rows.length === 1 ? "entry" : "entries"}, newest first`
            : "Loading…"}
        </Text>
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="xs" striped aria-label="Audit log entries" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>From</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((e) => (
                <Table.Tr key={e.seq}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDateTime(e.at)}</Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={e.outcome === "failure" ? "red" : "teal"}>
                      {e.outcome}
                    </Badge>
                    {e.reason && (
                      <Text size="xs" c="dimmed">
                        {e.reason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{e.actorEmail ?? "—"}</Table.Td>
                  <Table.Td>
                    {e.targetLabel ?? (e.targetId ? `${e.targetType}:${e.targetId.slice(0, 8)}` : "—")}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{e.ip ?? "—"}</Text>
                    <Text size="xs" c="dimmed">
                      {e.userAgent ? describeUserAgent(e.userAgent) : ""}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {events.hasNextPage && (
          <Button
            variant="default"
            mt="sm"
            onClick={() => events.fetchNextPage()}
            loading={events.isFetchingNextPage}
          >
            Load older entries
          </Button>
        )}
        {events.isSuccess && rows.length === 0 && (
          <Text size="sm" c="dimmed">
            Nothing matches these filters.{" "}
            <Anchor component="button" type="button" size="sm" onClick={() => setApplied(EMPTY)}>
              Show everything
            </Anchor>
          </Text>
        )}
      </Card>
    </>
  );
}
