import { Button, Group, Menu, Modal, Stack, Text, Textarea } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { useStepUp } from "../../components/StepUp.tsx";

export interface UserRow {
  id: string;
  name: string;
  email: string;
  status: string;
  partnerId: string | null;
  partnerName?: string | null;
  roles: string[];
  createdAt?: string;
  emailVerified?: boolean;
  mfa?: { decision: string; factorCount: number; factorTypes: string[] };
}

type Action = "suspend" | "reactivate" | "deactivate" | "reset-factors" | "resend-invitation";

const ACTIONS: Record<Action, { title: string; confirm: string; color: string; explain: string }> = {
  suspend: {
    title: "Suspend",
    confirm: "Suspend account",
    color: "orange",
    explain: "The person is signed out at once and cannot sign in until the account is reactivated.",
  },
  reactivate: {
    title: "Reactivate",
    confirm: "Reactivate account",
    color: "blue",
    explain: "The person can sign in again with their password and second factor.",
  },
  deactivate: {
    title: "Deactivate",
    confirm: "Deactivate account",
    color: "red",
    explain: "Every session ends at once and the account stays closed. Use this when someone leaves.",
  },
  "resend-invitation": {
    title: "Send invitation again",
    confirm: "Send new link",
    color: "blue",
    explain: "Mails a fresh invitation link; the earlier link stops working.",
  },
  "reset-factors": {
    title: "Reset second factors",
    confirm: "Reset factors",
    color: "red",
    explain:
      "Removes every second factor and recovery code and signs the person out; they must enrol again at their next sign-in and are told by mail. Confirm the request came from them.",
  },
};

/** Status changes and factor reset for one user, each with a written reason (audited). */
export function UserActions({ user, onDone }: { user: UserRow; onDone: (message: string) => void }) {
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stepUp = useStepUp();

  const available: Action[] =
    user.status === "active"
      ? ["suspend", "deactivate", "reset-factors"]
      : user.status === "suspended"
        ? ["reactivate", "deactivate"]
        : user.status === "invited"
          ? ["resend-invitation", "deactivate"]
          : user.status === "deactivated"
            ? ["reactivate"]
            : [];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      if (action === "reset-factors") {
        await stepUp(() => post(endpoints.userResetFactors(user.id), { reason: reason.trim() }));
      } else if (action === "resend-invitation") {
        await post(endpoints.userAction(user.id, action));
      } else {
        await post(endpoints.userAction(user.id, action), { reason: reason.trim() });
      }
      onDone(`${ACTIONS[action].title}: done for ${user.name}.`);
      setAction(null);
      setReason("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (available.length === 0) return null;
  const spec = action ? ACTIONS[action] : null;
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="default" aria-label={`Actions for ${user.name}`}>
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {available.map((a) => (
            <Menu.Item
              key={a}
              color={a === "reactivate" ? undefined : ACTIONS[a].color}
              onClick={() => setAction(a)}
            >
              {ACTIONS[a].title}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={spec !== null}
        onClose={() => setAction(null)}
        title={spec ? `${spec.title}: ${user.name}` : ""}
      >
        {spec && (
          <form onSubmit={submit}>
            <Stack gap="md">
              <Text size="sm">{spec.explain}</Text>
              {action !== "resend-invitation" && (
                <Textarea
                  label="Reason"
                  description="Recorded in the audit log."
                  required
                  data-autofocus
                  minRows={2}
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                />
              )}
              <ErrorAlert error={error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setAction(null)}>
                  Cancel
                </Button>
                <Button
                  type="submit"
                  color={spec.color}
                  loading={busy}
                  disabled={action !== "resend-invitation" && reason.trim().length < 5}
                >
                  {spec.confirm}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
