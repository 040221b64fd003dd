import { Button, Stack, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { get, post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { CodeInput } from "../CodeInput.tsx";
import { ErrorAlert } from "../ErrorAlert.tsx";
import { useStepUp } from "../StepUp.tsx";
import { type EnrolProps, recoveryCodesIn } from "./types.ts";

/** hardware tokens the studio assigned to this person that wait for their first code */
export function usePendingTokens() {
  return useQuery({
    queryKey: ["factors", "pending-tokens"],
    queryFn: async () =>
      (await get<{ pendingTokens?: { serial: string }[] }>(endpoints.factors)).pendingTokens ?? [],
  });
}

/** A hardware OATH token the studio assigned to you: prove you hold it with one code. */
export function HardwareTokenEnrol({ onEnrolled }: EnrolProps) {
  const pending = usePendingTokens();
  const assigned = pending.data?.[0]?.serial;
  const [typedSerial, setSerial] = useState<string | null>(null);
  const serial = typedSerial ?? assigned ?? "";
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const [error, setError] = useState<unknown>(null);

  async function claim(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await stepUp(() => post(endpoints.oathClaim, { serial: serial.trim(), code }));
      onEnrolled({ recoveryCodes: recoveryCodesIn(res) });
    } catch (err) {
      setError(err);
      setCode("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={claim}>
      <Stack gap="sm">
        <Text size="sm">
          Use this if the studio gave you a code-generating token. Press its button and type the code it
          shows.
        </Text>
        {assigned && (
          <Text size="sm" fw={500}>
            The studio assigned token {assigned} to you.
          </Text>
        )}
        <TextInput
          label="Serial number"
          description="Printed on the back of the token."
          required
          value={serial}
          onChange={(e) => setSerial(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <CodeInput value={code} onChange={setCode} label="Code shown on the token" />
        <Button type="submit" loading={busy} disabled={!serial.trim() || code.length < 6} w="fit-content">
          Confirm token
        </Button>
        <ErrorAlert error={error} title="The token was not confirmed" />
      </Stack>
    </form>
  );
}
