import { Badge, Button, Card, Group, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, post } from "../../api/client.ts";
import { listOf } from "../../api/lists.ts";
import { ROLE_LABELS, type Role, useSession } from "../../api/session.ts";
import { Link, useLocation } from "../../app/router.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { formatDateTime } from "../../format.ts";
import { type Campaign, gov, type Line } from "./governance-api.ts";

/**
 * Review every line of an audit: keep, change (opens the request form for that person, and the
 * line is marked when the change request is sent) or remove (deactivates at once).
 */
export function CampaignReviewPage() {
  const id = useLocation().search.get("id") ?? "";
  const session = useSession();
  const isAdmin = session.data?.user?.roles.includes("studio_admin") ?? false;
  const qc = useQueryClient();
  const campaign = useQuery({
    queryKey: ["gov", "campaign", id],
    queryFn: () => get<Campaign>(gov.campaign(id)),
  });
  const lines = useQuery({
    queryKey: ["gov", "lines", id],
    queryFn: async () => listOf<Line>(await get(gov.lines(id)), "lines"),
  });
  const review = useMutation({
    mutationFn: (v: { line: Line; decision: "keep" | "remove" }) =>
      post(gov.review(id, v.line.id), { decision: v.decision }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["gov"] }),
  });
  const mayReview = (l: Line) => isAdmin || l.reviewer === "vendor_manager";
  return (
    <>
      <PageHeader
        title={campaign.data?.name ?? "Account audit"}
        description={campaign.data && `Review every person by ${formatDateTime(campaign.data.deadline)}.`}
      />
      <ErrorAlert error={campaign.error ?? lines.error ?? review.error} />
      <Card withBorder padding="md">
        <Table verticalSpacing="sm" aria-label="Lines to review">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Person</Table.Th>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Roles and task types</Table.Th>
              <Table.Th>Review</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(lines.data ?? []).map((l) => (
              <Table.Tr key={l.id} aria-label={l.name}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {l.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {l.email} · {l.currentStatus}
                  </Text>
                </Table.Td>
                <Table.Td>{l.partnerName}</Table.Td>
                <Table.Td>
                  <Text size="sm">{l.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join(", ")}</Text>
                  <Text size="xs" c="dimmed">
                    {l.taskTypes.join(", ")}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {l.decision ? (
                    <Badge variant="light" color={l.decision === "remove" ? "red" : "teal"}>
                      {l.decision}
                      {l.requestStatus ? ` (request ${l.requestStatus})` : ""}
                    </Badge>
                  ) : !mayReview(l) ? (
                    <Text size="xs" c="dimmed">
                      Reviewed by the studio
                    </Text>
                  ) : (
                    <Group gap="xs">
                      {l.outcome === "suspend" && <Badge color="orange">suspended at the deadline</Badge>}
                      <Button
                        size="xs"
                        onClick={() => review.mutate({ line: l, decision: "keep" })}
                        aria-label={`Keep ${l.name}`}
                      >
                        Keep
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        component={Link}
                        href={`/governance/campaign/change?id=${id}&line=${l.id}&person=${l.userId}`}
                        aria-label={`Change ${l.name}`}
                      >
                        Change
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        onClick={() => review.mutate({ line: l, decision: "remove" })}
                        aria-label={`Remove ${l.name}`}
                      >
                        Remove
                      </Button>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </>
  );
}
