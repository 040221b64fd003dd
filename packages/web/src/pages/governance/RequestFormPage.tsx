import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, post } from "../../api/client.ts";
import { ROLE_LABELS } from "../../api/session.ts";
import { Link, useLocation } from "../../app/router.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import {
  type AccessRequest,
  gov,
  KIND_LABELS,
  PARTNER_ROLES,
  usePeople,
  useTaskTypes,
} from "./governance-api.ts";
import { PartnerPicker } from "./PartnerPicker.tsx";

type Kind = AccessRequest["kind"];

/**
 * The one request form: onboard a person, change their roles or task types, or deactivate them.
 * A deactivation ends the person's access the moment it is sent; the studio then confirms it.
 */
export function RequestFormPage() {
  const { search } = useLocation();
  const [partnerId, setPartnerId] = useState<string | null>(search.get("partner"));
  const [kind, setKind] = useState<Kind>((search.get("kind") as Kind) ?? "onboard");
  const [personId, setPersonId] = useState<string | null>(search.get("person"));
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [roles, setRoles] = useState<string[] | null>(null);
  const [taskTypes, setTaskTypes] = useState<string[] | null>(null);
  const [reason, setReason] = useState("staff_exit");
  const [note, setNote] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const people = usePeople(partnerId);
  const catalogue = useTaskTypes();
  const qc = useQueryClient();
  const person = people.data?.find((p) => p.id === personId);
  // a change starts from what the person holds now
  const shownRoles = roles ?? (kind === "onboard" ? [] : (person?.roles ?? []));
  const shownTasks = taskTypes ?? (kind === "onboard" ? [] : (person?.taskTypes ?? []));

  const submit = useMutation({
    mutationFn: () => {
      const base = { note: note.trim() || undefined };
      const body =
        kind === "onboard"
          ? { kind, partnerId, name, email, roles: shownRoles, taskTypes: shownTasks, ...base }
          : kind === "change_roles"
            ? { kind, userId: personId, roles: shownRoles, taskTypes: shownTasks, ...base }
            : kind === "change_task_types"
              ? { kind, userId: personId, taskTypes: shownTasks, ...base }
              : { kind, userId: personId, reason, ...base };
      return post<{ id: string }>(gov.requests, body);
    },
    onSuccess: () => {
      setSent(
        kind === "deactivate"
          ? `${person?.name ?? "The person"} is deactivated now: their sessions have ended. The studio will confirm the request.`
          : "Request sent. The studio will approve or reject it; you can follow it under Requests.",
      );
      setName("");
      setEmail("");
      setRoles(null);
      setTaskTypes(null);
      setNote("");
      void qc.invalidateQueries({ queryKey: ["gov"] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSent(null);
    submit.mutate();
  };
  const problems =
    submit.error instanceof ApiError && Array.isArray(submit.error.details?.problems)
      ? (submit.error.details.problems as { message: string }[])
      : [];

  return (
    <>
      <PageHeader
        title="Submit a request"
        description="Onboarding, role and task type changes, and deactivations all go through this form."
      />
      {sent && (
        <Notice>
          {sent} <Link href="/governance/requests">See requests</Link>
        </Notice>
      )}
      <Card withBorder padding="lg" maw={720}>
        <form onSubmit={onSubmit}>
          <Stack gap="md">
            <PartnerPicker value={partnerId} onChange={setPartnerId} />
            <Radio.Group label="What do you need?" value={kind} onChange={(v) => setKind(v as Kind)}>
              <Group mt="xs">
                {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
                  <Radio key={k} value={k} label={KIND_LABELS[k]} />
                ))}
              </Group>
            </Radio.Group>
            {kind === "onboard" ? (
              <>
                <TextInput
                  label="Full name"
                  required
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                />
                <TextInput
                  label="Their own work email"
                  description="One person's address at your facility's domain: shared mailboxes and lists are refused."
                  type="email"
                  required
                  value={email}
                  onChange={(e) => setEmail(e.currentTarget.value)}
                />
              </>
            ) : (
              <Select
                label="Person"
                required
                searchable
                data={(people.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.email})` }))}
                value={personId}
                onChange={(v) => {
                  setPersonId(v);
                  setRoles(null);
                  setTaskTypes(null);
                }}
              />
            )}
            {(kind === "onboard" || kind === "change_roles") && (
              <Checkbox.Group label="Roles" value={shownRoles} onChange={setRoles}>
                <Group mt="xs">
                  {PARTNER_ROLES.map((r) => (
                    <Checkbox key={r} value={r} label={ROLE_LABELS[r]} />
                  ))}
                </Group>
              </Checkbox.Group>
            )}
            {kind !== "deactivate" && (
              <Checkbox.Group
                label="Approved task types"
                description="For operators and verifiers."
                value={shownTasks}
                onChange={setTaskTypes}
              >
                <Stack gap={6} mt="xs">
                  {(catalogue.data ?? [])
                    .filter((t) => t.active)
                    .map((t) => (
                      <Checkbox key={t.key} value={t.key} label={t.name} description={t.description} />
                    ))}
                </Stack>
              </Checkbox.Group>
            )}
            {kind === "deactivate" && (
              <>
                <Alert color="orange" variant="light">
                  Access ends the moment you send this: the person is signed out everywhere and can no longer
                  download.
                </Alert>
                <Radio.Group label="Why" value={reason} onChange={setReason}>
                  <Group mt="xs">
                    <Radio value="staff_exit" label="Left the facility" />
                    <Radio value="department_move" label="Moved department" />
                    <Radio value="other" label="Other" />
                  </Group>
                </Radio.Group>
              </>
            )}
            <Textarea
              label="Note for the studio (optional)"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <ErrorAlert error={submit.error} title="The request was not sent" />
            {problems.length > 1 && (
              <Text size="sm" c="red">
                Also:{" "}
                {problems
                  .slice(1)
                  .map((p) => p.message)
                  .join(" ")}
              </Text>
            )}
            <Group>
              <Button
                type="submit"
                loading={submit.isPending}
                color={kind === "deactivate" ? "red" : undefined}
              >
                {kind === "deactivate" ? "Deactivate now and send" : "Send request"}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}
