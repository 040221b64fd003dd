import { Button, Code, Group, Image, Paper, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { CodeInput } from "../CodeInput.tsx";
import { ErrorAlert } from "../ErrorAlert.tsx";
import { useStepUp } from "../StepUp.tsx";
import { type EnrolProps, recoveryCodesIn } from "./types.ts";

interface TotpStart {
  factorId?: string;
  id?: string;
  secret: string;
  secretGrouped?: string;
  otpauthUri?: string;
  otpauthUrl?: string;
  uri?: string;
  qrCodeDataUrl?: string;
  qrDataUrl?: string;
}

/** the secret in groups of four, as authenticator apps show and people type it */
export function groupSecret(secret: string): string {
  return (
    secret
      .replace(/\s+/g, "")
      .match(/.{1,4}/g)
      ?.join(" ") ?? secret
  );
}

/**
 * Authenticator app (TOTP): scan the QR code or type the secret (desktop apps and password
 * managers), then prove it with one code.
 */
export function TotpEnrol({ onEnrolled, defaultName = "Authenticator app" }: EnrolProps) {
  const [start, setStart] = useState<TotpStart | null>(null);
  const [name, setName] = useState(defaultName);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const [error, setError] = useState<unknown>(null);

  async function begin() {
    setBusy(true);
    setError(null);
    try {
      setStart(await stepUp(() => post<TotpStart>(endpoints.totpStart, { label: name })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!start) return;
    setBusy(true);
    setError(null);
    try {
      const res = await post(endpoints.totpConfirm, { id: start.id ?? start.factorId, code });
      onEnrolled({ recoveryCodes: recoveryCodesIn(res) });
    } catch (err) {
      setError(err);
      setCode("");
    } finally {
      setBusy(false);
    }
  }

  if (!start) {
    return (
      <Stack gap="sm">
        <Text size="sm">
          Use any authenticator app on your computer or a password manager that shows 6-digit codes. No phone
          needed.
        </Text>
        <TextInput
          label="Name for this authenticator"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={60}
        />
        <Button onClick={begin} loading={busy} w="fit-content">
          Set up authenticator app
        </Button>
        <ErrorAlert error={error} />
      </Stack>
    );
  }

  const qr = start.qrCodeDataUrl ?? start.qrDataUrl;
  const grouped = start.secretGrouped ?? groupSecret(start.secret);
  return (
    <form onSubmit={confirm}>
      <Stack gap="md">
        <Group align="flex-start" gap="lg" wrap="wrap">
          {qr && (
            <Paper withBorder p="xs" radius="sm">
              <Image src={qr} w={168} h={168} alt="QR code to scan with your authenticator app" />
            </Paper>
          )}
          <Stack gap={6} style={{ flex: 1, minWidth: 220 }}>
            <Text size="sm" fw={500}>
              1. Scan the QR code, or type this key into your app:
            </Text>
            <Code
              block
              fz="md"
              data-testid="totp-secret"
              aria-label={`Secret key: ${grouped}`}
              style={{ letterSpacing: "0.08em", whiteSpace: "pre-wrap", wordBreak: "break-word" }}
            >
              {grouped}
            </Code>
            <Text size="xs" c="dimmed">
              Time-based, 6 digits, every 30 seconds (SHA-1).
            </Text>
          </Stack>
        </Group>
        <Text size="sm" fw={500}>
          2. Enter the code your app shows now:
        </Text>
        <CodeInput value={code} onChange={setCode} autoFocus label="Code from your authenticator app" />
        <Group>
          <Button type="submit" loading={busy} disabled={code.length < 6}>
            Confirm and turn on
          </Button>
        </Group>
        <ErrorAlert error={error} title="The code was not accepted" />
      </Stack>
    </form>
  );
}
