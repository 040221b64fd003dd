import { Button, Card, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { RecoveryCodesPanel } from "../../components/enrol/RecoveryCodesPanel.tsx";
import { recoveryCodesIn } from "../../components/enrol/types.ts";
import { useStepUp } from "../../components/StepUp.tsx";
import { factorsKey, useFactors } from "./FactorsSection.tsx";

/** Recovery codes left, and a fresh set (after step-up) that replaces every old code. */
export function RecoveryCodesSection() {
  const remaining = useFactors().data?.recoveryCodesRemaining;
  const stepUp = useStepUp();
  const qc = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function regenerate() {
    setBusy(true);
    setError(null);
    try {
      const res = await stepUp(() => post(endpoints.recoveryCodes));
      setCodes(recoveryCodesIn(res) ?? []);
      void qc.invalidateQueries({ queryKey: factorsKey });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} fz="h4">
              Recovery codes
            </Title>
            <Text size="sm" c="dimmed">
              {remaining === undefined
                ? "Single-use codes for when your other factors are not at hand."
                : `${remaining} of 10 codes left. Each works once.`}
            </Text>
          </div>
          <Button variant="default" onClick={regenerate} loading={busy}>
            Create new codes
          </Button>
        </Group>
        <ErrorAlert error={error} />
      </Stack>
      <Modal opened={codes !== null} onClose={() => setCodes(null)} title="Your new recovery codes" size="lg">
        <Text size="sm" mb="sm">
          Your old codes no longer work.
        </Text>
        {codes && <RecoveryCodesPanel codes={codes} onConfirmed={() => setCodes(null)} confirmLabel="Done" />}
      </Modal>
    </Card>
  );
}
