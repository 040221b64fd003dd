import { Button, Stack, Tabs, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import { authenticateWithKey, describeWebAuthnError } from "../api/webauthn.ts";
import { CodeInput } from "./CodeInput.tsx";
import { ErrorAlert } from "./ErrorAlert.tsx";

export type FactorMethod = "otp" | "webauthn" | "recovery";

const PATHS = {
  "sign-in": {
    otp: endpoints.verifyOtp,
    recovery: endpoints.verifyRecovery,
    keyOptions: endpoints.webauthnAuthOptions,
    keyVerify: endpoints.webauthnAuthVerify,
  },
  "step-up": {
    otp: endpoints.stepUpOtp,
    recovery: endpoints.stepUpRecovery,
    keyOptions: endpoints.stepUpWebauthnOptions,
    keyVerify: endpoints.stepUpWebauthnVerify,
  },
} as const;

/**
 * Prove a second factor: an authenticator code (TOTP app or hardware token), a security key, or a
 * recovery code. Used after the password at sign-in and for step-up before sensitive changes.
 */
export function SecondFactorForm(props: {
  mode: "sign-in" | "step-up";
  methods?: FactorMethod[];
  onDone: () => void | Promise<void>;
}) {
  const methods = props.methods?.length ? props.methods : (["otp", "webauthn", "recovery"] as FactorMethod[]);
  const [tab, setTab] = useState<FactorMethod>(methods[0]);
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const paths = PATHS[props.mode];

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      await props.onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    void run(() => post(paths.otp, { code }).finally(() => setCode("")));
  };
  const submitRecovery = (e: FormEvent) => {
    e.preventDefault();
    void run(() => post(paths.recovery, { code: recovery.trim() }).finally(() => setRecovery("")));
  };
  const signWithKey = () =>
    run(async () => {
      try {
        await authenticateWithKey(paths.keyOptions, paths.keyVerify);
      } catch (err) {
        throw describeWebAuthnError(err);
      }
    });

  return (
    <Stack gap="md">
      <Tabs value={tab} onChange={(v) => v && setTab(v as FactorMethod)} keepMounted={false}>
        <Tabs.List aria-label="How to prove it is you">
          {methods.includes("otp") && <Tabs.Tab value="otp">Authenticator code</Tabs.Tab>}
          {methods.includes("webauthn") && <Tabs.Tab value="webauthn">Security key</Tabs.Tab>}
          {methods.includes("recovery") && <Tabs.Tab value="recovery">Recovery code</Tabs.Tab>}
        </Tabs.List>

        <Tabs.Panel value="otp" pt="md">
          <form onSubmit={submitCode}>
            <Stack gap="sm">
              <CodeInput
                value={code}
                onChange={setCode}
                autoFocus
                label="Authenticator code"
                description="The 6-digit code from your authenticator app or hardware token."
              />
              <Button type="submit" loading={busy} disabled={code.length < 6}>
                Verify code
              </Button>
            </Stack>
          </form>
        </Tabs.Panel>

        <Tabs.Panel value="webauthn" pt="md">
          <Stack gap="sm">
            <Text size="sm">Insert or touch your security key when your browser asks for it.</Text>
            <Button onClick={signWithKey} loading={busy}>
              Use security key
            </Button>
          </Stack>
        </Tabs.Panel>

        <Tabs.Panel value="recovery" pt="md">
          <form onSubmit={submitRecovery}>
            <Stack gap="sm">
              <TextInput
                label="Recovery code"
                description="One of the codes you saved when you set up two-step sign-in. Each works once."
                required
                autoFocus
                autoComplete="off"
                spellCheck={false}
                value={recovery}
                onChange={(e) => setRecovery(e.currentTarget.value)}
                styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
              />
              <Button type="submit" loading={busy} disabled={recovery.trim().length < 6}>
                Use recovery code
              </Button>
            </Stack>
          </form>
        </Tabs.Panel>
      </Tabs>
      <ErrorAlert error={error} title="Not verified" />
    </Stack>
  );
}
