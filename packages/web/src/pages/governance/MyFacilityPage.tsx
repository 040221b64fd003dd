import { Badge, Button, Card, Group, Table, Text } from "@mantine/core";
import { useState } from "react";
import { ROLE_LABELS, type Role } from "../../api/session.ts";
import { Link } from "../../app/router.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { usePartners, usePeople, useTaskTypes } from "./governance-api.ts";
import { PartnerPicker } from "./PartnerPicker.tsx";

/** A facility's people with their roles and approved task types, and the way to ask for changes. */
export function MyFacilityPage() {
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const partners = usePartners();
  const people = usePeople(partnerId);
  const taskTypes = useTaskTypes();
  const partner = partners.data?.find((p) => p.id === partnerId);
  const taskName = (key: string) => taskTypes.data?.find((t) => t.key === key)?.name ?? key;
  const requestLink = (params: Record<string, string>) =>
    `/governance/requests/new?${new URLSearchParams(params)}`;
  return (
    <>
      <PageHeader
        title={partner ? partner.name : "My facility"}
        description="Everyone with a Loupe account at the facility. To change anything, submit a request: the studio approves it."
        actions={
          partnerId && (
            <Button component={Link} href={requestLink({ partner: partnerId, kind: "onboard" })}>
              Onboard a person
            </Button>
          )
        }
      />
      <PartnerPicker value={partnerId} onChange={setPartnerId} />
      <ErrorAlert error={partners.error ?? people.error} />
      {partner && (
        <Text size="sm" c="dimmed">
          Email domains: {partner.allowedDomains.join(", ") || "none yet"} · Verifier seats:{" "}
          {partner.verifierSeatsTaken} of {partner.verifierSeats} taken · MFA required from:{" "}
          {partner.mfaEnforcementDate ?? "now"}
        </Text>
      )}
      <Card withBorder padding="md">
        <Table verticalSpacing="sm" aria-label="People">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Roles</Table.Th>
              <Table.Th>Approved task types</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Requests</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(people.data ?? []).map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {p.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {p.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.roles.map((r) => (
                      <Badge key={r} variant="light" color="gray" size="sm">
                        {ROLE_LABELS[r as Role] ?? r}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{p.taskTypes.map(taskName).join(", ") || "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={p.status === "active" ? "teal" : "orange"}>
                    {p.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="xs"
                      variant="light"
                      component={Link}
                      href={requestLink({ partner: partnerId!, kind: "change_roles", person: p.id })}
                      aria-label={`Change ${p.name}`}
                    >
                      Change
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      component={Link}
                      href={requestLink({ partner: partnerId!, kind: "deactivate", person: p.id })}
                      aria-label={`Deactivate ${p.name}`}
                    >
                      Deactivate
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </>
  );
}
