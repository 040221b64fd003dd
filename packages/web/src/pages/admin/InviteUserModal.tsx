import {
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, get, post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { listOf } from "../../api/lists.ts";
import { ROLE_LABELS, type Role } from "../../api/session.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";

interface Partner {
  id: string;
  name: string;
}

const STUDIO_ROLES: Role[] = ["studio_admin", "security_auditor"];
const PARTNER_ROLES: Role[] = ["vendor_manager", "download_manager", "operator", "verifier"];

/**
 * Invite one person: their own email (role addresses are refused; an admin may override with a
 * written justification), their facility or the studio, and their roles. They get a mail with a
 * link that verifies the address.
 */
export function InviteUserModal(props: {
  opened: boolean;
  onClose: () => void;
  onInvited: (email: string) => void;
}) {
  const partners = useQuery({
    queryKey: ["partners"],
    queryFn: async () => listOf<Partner>(await get(endpoints.partners), "partners"),
    enabled: props.opened,
  });
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const [justification, setJustification] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const roleAddress = error instanceof ApiError && error.code === "ROLE_ADDRESS";
  const [overriding, setOverriding] = useState(false);
  const isStudio = partnerId === "studio";
  const roleChoices = isStudio ? STUDIO_ROLES : PARTNER_ROLES;

  function reset() {
    setName("");
    setEmail("");
    setPartnerId(null);
    setRoles([]);
    setJustification("");
    setOverriding(false);
    setError(null);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(endpoints.users, {
        name: name.trim(),
        email: email.trim(),
        partnerId: isStudio ? null : partnerId,
        roles,
        ...(overriding && justification.trim() ? { roleAddressJustification: justification.trim() } : {}),
      });
      props.onInvited(email.trim());
      reset();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.code === "ROLE_ADDRESS") setOverriding(true);
    } finally {
      setBusy(false);
    }
  }

  const partnerOptions = [
    { value: "studio", label: "The studio (staff)" },
    ...(partners.data ?? []).map((p) => ({ value: p.id, label: p.name })),
  ];

  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Invite a user" size="lg">
      <form onSubmit={submit}>
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Full name"
              required
              data-autofocus
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <TextInput
              label="Email"
              description="The person's own address: shared mailboxes are refused."
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Select
            label="Organisation"
            required
            placeholder="Choose a partner facility"
            data={partnerOptions}
            value={partnerId}
            onChange={(v) => {
              setPartnerId(v);
              setRoles([]);
            }}
            searchable
            nothingFoundMessage="No partner by that name"
          />
          <Checkbox.Group label="Roles" value={roles} onChange={setRoles} required>
            <Group mt={6} gap="lg">
              {roleChoices.map((r) => (
                <Checkbox key={r} value={r} label={ROLE_LABELS[r]} />
              ))}
            </Group>
          </Checkbox.Group>
          {overriding && (
            <Textarea
              label="Why this address belongs to one person"
              description="Overriding the role-address check is recorded in the audit log with your name."
              required
              minRows={2}
              value={justification}
              onChange={(e) => setJustification(e.currentTarget.value)}
            />
          )}
          <ErrorAlert
            error={error}
            title={roleAddress ? "This looks like a shared address" : "Not invited"}
          />
          {roleAddress && (
            <Text size="sm">
              Ask for the person's own address. Override only if you have confirmed it is theirs alone.
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!partnerId || roles.length === 0}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
