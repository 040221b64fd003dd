import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { get, post } from "../../api/client.ts";
import { listOf } from "../../api/lists.ts";
import { ROLE_LABELS, type Role, useSession } from "../../api/session.ts";
import { Link } from "../../app/router.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { formatDateTime } from "../../format.ts";
import { type AccessRequest, gov, KIND_LABELS } from "./governance-api.ts";

const STATUS_COLORS: Record<AccessRequest["status"], string> = {
  pending: "blue",
  approved: "teal",
  rejected: "red",
  superseded: "gray",
};

/** Requests and their history; a Studio Admin approves or rejects the pending ones here. */
export function RequestsPage() {
  const [status, setStatus] = useState<string | null>("pending");
  const session = useSession();
  const isAdmin = session.data?.user?.roles.includes("studio_admin") ?? false;
  const requests = useQuery({
    queryKey: ["gov", "requests", status],
    queryFn: async () =>
      listOf<AccessRequest>(await get(`${gov.requests}${status ? `?status=${status}` : ""}`), "requests"),
  });
  return (
    <>
      <PageHeader
        title="Requests"
        description={
          isAdmin
            ? "Approve or reject each request with a reason."
            : "Your facility's requests and what the studio decided."
        }
        actions={
          <Button component={Link} href="/governance/requests/new">
            Submit a request
          </Button>
        }
      />
      <Select
        label="Show"
        data={[
          { value: "pending", label: "Waiting for the studio" },
          { value: "approved", label: "Approved" },
          { value: "rejected", label: "Rejected" },
        ]}
        placeholder="All requests"
        clearable
        value={status}
        onChange={setStatus}
        w={260}
      />
      <ErrorAlert error={requests.error} />
      <Stack gap="sm">
        {(requests.data ?? []).map((r) => (
          <RequestCard key={r.id} request={r} isAdmin={isAdmin} />
        ))}
        {requests.isSuccess && requests.data.length === 0 && (
          <Text size="sm" c="dimmed">
            No requests here.
          </Text>
        )}
      </Stack>
    </>
  );
}

function RequestCard({ request: r, isAdmin }: { request: AccessRequest; isAdmin: boolean }) {
  const [reason, setReason] = useState("");
  const [showHistory, setShowHistory] = useState(false);
  const qc = useQueryClient();
  const history = useQuery({
    queryKey: ["gov", "request", r.id],
    enabled: showHistory,
    queryFn: () => get<AccessRequest>(gov.request(r.id)),
  });
  const decide = useMutation({
    mutationFn: (verb: "approve" | "reject") =>
      post(verb === "approve" ? gov.approve(r.id) : gov.reject(r.id), { reason: reason.trim() || undefined }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["gov"] }),
  });
  const what = [
    r.payload.roles && `Roles: ${r.payload.roles.map((x) => ROLE_LABELS[x as Role] ?? x).join(", ")}`,
    r.payload.taskTypes && r.payload.taskTypes.length > 0 && `Task types: ${r.payload.taskTypes.join(", ")}`,
    r.payload.deactivationReason && `Reason: ${r.payload.deactivationReason.replace("_", " ")}`,
    r.payload.note && `Note: ${r.payload.note}`,
  ].filter(Boolean);
  return (
    <Card withBorder padding="md" aria-label={`${KIND_LABELS[r.kind]}: ${r.subjectName}`}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Text fw={600}>{KIND_LABELS[r.kind]}</Text>
            <Badge color={STATUS_COLORS[r.status]} variant="light">
              {r.status}
            </Badge>
          </Group>
          <Text size="sm">
            {r.subjectName} &lt;{r.subjectEmail}&gt; · {r.partnerName}
          </Text>
          {what.map((w) => (
            <Text size="sm" c="dimmed" key={String(w)}>
              {w}
            </Text>
          ))}
          <Text size="xs" c="dimmed">
            Submitted by {r.submittedBy.name}, {formatDateTime(r.submittedAt)}
            {r.decidedBy && ` · ${r.status} by ${r.decidedBy.name}, ${formatDateTime(r.decidedAt)}`}
            {r.decisionReason && ` · "${r.decisionReason}"`}
          </Text>
        </div>
        <Button variant="subtle" size="xs" onClick={() => setShowHistory((s) => !s)}>
          {showHistory ? "Hide history" : "History"}
        </Button>
      </Group>
      {showHistory && (
        <Table mt="sm" aria-label="History">
          <Table.Tbody>
            {(history.data?.history ?? []).map((h) => (
              <Table.Tr key={`${h.at}${h.action}`}>
                <Table.Td>{formatDateTime(h.at)}</Table.Td>
                <Table.Td>{h.action.replace("access_request.", "").replaceAll("_", " ")}</Table.Td>
                <Table.Td>{h.actorEmail ?? "Loupe"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {isAdmin && r.status === "pending" && (
        <Group mt="sm" align="flex-end">
          <TextInput
            label="Reason (required to reject)"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            w={320}
          />
          <Button onClick={() => decide.mutate("approve")} loading={decide.isPending}>
            Approve
          </Button>
          <Button
            color="red"
            variant="light"
            disabled={!reason.trim()}
            onClick={() => decide.mutate("reject")}
          >
            {r.kind === "deactivate" ? "Reject and reinstate" : "Reject"}
          </Button>
        </Group>
      )}
      <ErrorAlert error={decide.error} />
    </Card>
  );
}
