import { Button, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { endpoints } from "../../api/endpoints.ts";
import { describeWebAuthnError, registerKey, webauthnAvailable } from "../../api/webauthn.ts";
import { ErrorAlert } from "../ErrorAlert.tsx";
import { useStepUp } from "../StepUp.tsx";
import { type EnrolProps, recoveryCodesIn } from "./types.ts";

/** Security key or passkey (WebAuthn): name it, then touch it when the browser asks. */
export function SecurityKeyEnrol({ onEnrolled, defaultName = "Security key" }: EnrolProps) {
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const [error, setError] = useState<unknown>(null);
  const supported = webauthnAvailable();

  async function register(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await stepUp(() =>
        registerKey(endpoints.webauthnRegOptions, endpoints.webauthnRegVerify, { name }),
      );
      onEnrolled({ recoveryCodes: recoveryCodesIn(res) });
    } catch (err) {
      setError(describeWebAuthnError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={register}>
      <Stack gap="sm">
        <Text size="sm">
          A FIDO2 security key (for example a YubiKey) or a passkey. Your browser asks you to touch the key
          and enter its PIN.
        </Text>
        <TextInput
          label="Name for this key"
          description="So you can tell your keys apart, e.g. “Blue key on my keyring”."
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={60}
        />
        <Button type="submit" loading={busy} disabled={!supported || !name.trim()} w="fit-content">
          Register security key
        </Button>
        {!supported && (
          <Text size="sm" c="red.8" role="alert">
            This browser cannot use security keys.
          </Text>
        )}
        <ErrorAlert error={error} title="The key was not registered" />
      </Stack>
    </form>
  );
}
