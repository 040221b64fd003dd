import { Button, Card, Group, NumberInput, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { patch, post } from "../../api/client.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { gov, type Partner, usePartners } from "./governance-api.ts";

/** Studio Admin: partners, their email domains, contact, verifier seats and MFA enforcement date. */
export function PartnersPage() {
  const partners = usePartners();
  const [editing, setEditing] = useState<Partner | "new" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Partners"
        description="Changes here are recorded in the audit log. From its MFA date, a partner's people must enrol before anything else."
        actions={<Button onClick={() => setEditing("new")}>Add partner</Button>}
      />
      {notice && <Notice>{notice}</Notice>}
      <ErrorAlert error={partners.error} />
      {editing && (
        <PartnerForm
          partner={editing === "new" ? null : editing}
          onDone={(msg) => {
            setEditing(null);
            setNotice(msg);
          }}
        />
      )}
      <Card withBorder padding="md">
        <Table verticalSpacing="sm" aria-label="Partners">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Email domains</Table.Th>
              <Table.Th>People</Table.Th>
              <Table.Th>Verifier seats</Table.Th>
              <Table.Th>MFA required from</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(partners.data ?? []).map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {p.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {p.contactName} {p.contactEmail && `<${p.contactEmail}>`}
                  </Text>
                </Table.Td>
                <Table.Td>{p.allowedDomains.join(", ")}</Table.Td>
                <Table.Td>{p.people}</Table.Td>
                <Table.Td>
                  {p.verifierSeatsTaken} of {p.verifierSeats}
                </Table.Td>
                <Table.Td>{p.mfaEnforcementDate ?? "now"}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => setEditing(p)}
                    aria-label={`Edit ${p.name}`}
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

function PartnerForm({ partner, onDone }: { partner: Partner | null; onDone: (message: string) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(partner?.name ?? "");
  const [domains, setDomains] = useState(partner?.allowedDomains.join(", ") ?? "");
  const [contactName, setContactName] = useState(partner?.contactName ?? "");
  const [contactEmail, setContactEmail] = useState(partner?.contactEmail ?? "");
  const [seats, setSeats] = useState<number | string>(partner?.verifierSeats ?? 2);
  const [mfaDate, setMfaDate] = useState(partner?.mfaEnforcementDate ?? "");
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        allowedDomains: domains.split(/[,\s]+/).filter(Boolean),
        contactName: contactName || null,
        contactEmail: contactEmail || null,
        verifierSeats: Number(seats),
        mfaEnforcementDate: mfaDate || null,
      };
      return partner ? patch(gov.partner(partner.id), body) : post(gov.partners, body);
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["gov"] });
      onDone(`${name} saved.`);
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
          <Text fw={600}>{partner ? `Edit ${partner.name}` : "New partner"}</Text>
          <Group align="flex-end">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput
              label="Email domains"
              description="Comma-separated"
              value={domains}
              onChange={(e) => setDomains(e.currentTarget.value)}
              w={280}
            />
            <NumberInput label="Verifier seats" min={0} max={100} value={seats} onChange={setSeats} w={140} />
            <TextInput
              label="MFA required from"
              type="date"
              value={mfaDate}
              onChange={(e) => setMfaDate(e.currentTarget.value)}
            />
          </Group>
          <Group align="flex-end">
            <TextInput
              label="Contact name"
              value={contactName}
              onChange={(e) => setContactName(e.currentTarget.value)}
            />
            <TextInput
              label="Contact email"
              type="email"
              value={contactEmail}
              onChange={(e) => setContactEmail(e.currentTarget.value)}
            />
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
          <ErrorAlert error={save.error} />
        </Stack>
      </form>
    </Card>
  );
}
