import { Button, Card, Table } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { get, post } from "../../api/client.ts";
import { listOf } from "../../api/lists.ts";
import { useSession } from "../../api/session.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { gov } from "./governance-api.ts";

interface Adoption {
  partnerId: string;
  partnerName: string;
  mfaEnforcementDate: string | null;
  users: number;
  enrolled: number;
  notEnrolled: number;
  byType: { totp: number; oath: number; webauthn: number };
  oneFactorOnly: number;
}

/** The MFA rollout: adoption per partner, and a reminder mail to each person not enrolled yet. */
export function MfaAdoptionPage() {
  const isAdmin = useSession().data?.user?.roles.includes("studio_admin") ?? false;
  const [notice, setNotice] = useState<string | null>(null);
  const adoption = useQuery({
    queryKey: ["gov", "mfa-adoption"],
    queryFn: async () => listOf<Adoption>(await get(gov.mfaAdoption), "partners"),
  });
  const remind = useMutation({
    mutationFn: (p: Adoption) => post<{ sent: number }>(gov.mfaReminders(p.partnerId)),
    onSuccess: (r, p) =>
      setNotice(`${r.sent} reminder(s) sent to ${p.partnerName}'s people without a second factor.`),
  });
  return (
    <>
      <PageHeader
        title="MFA adoption"
        description="Who has a second factor, which kinds, and who holds only one."
      />
      {notice && <Notice>{notice}</Notice>}
      <ErrorAlert error={adoption.error ?? remind.error} />
      <Card withBorder padding="md">
        <Table aria-label="MFA adoption per partner">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Required from</Table.Th>
              <Table.Th>Enrolled</Table.Th>
              <Table.Th>Security keys</Table.Th>
              <Table.Th>Authenticator apps</Table.Th>
              <Table.Th>Hardware tokens</Table.Th>
              <Table.Th>Only one factor</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(adoption.data ?? []).map((p) => (
              <Table.Tr key={p.partnerId}>
                <Table.Td>{p.partnerName}</Table.Td>
                <Table.Td>{p.mfaEnforcementDate ?? "now"}</Table.Td>
                <Table.Td>
                  {p.enrolled} of {p.users}
                </Table.Td>
                <Table.Td>{p.byType.webauthn}</Table.Td>
                <Table.Td>{p.byType.totp}</Table.Td>
                <Table.Td>{p.byType.oath}</Table.Td>
                <Table.Td>{p.oneFactorOnly}</Table.Td>
                <Table.Td>
                  {isAdmin && p.notEnrolled > 0 && (
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => remind.mutate(p)}
                      aria-label={`Remind ${p.partnerName}`}
                    >
                      Remind {p.notEnrolled}
                    </Button>
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
