import { Tabs } from "@mantine/core";
import { useState } from "react";
import { HardwareTokenEnrol, usePendingTokens } from "./HardwareTokenEnrol.tsx";
import { SecurityKeyEnrol } from "./SecurityKeyEnrol.tsx";
import { TotpEnrol } from "./TotpEnrol.tsx";
import type { EnrolResult } from "./types.ts";

/** The three phone-free ways to add a second factor, side by side. */
export function EnrolChooser({ onEnrolled }: { onEnrolled: (r: EnrolResult) => void }) {
  // someone handed a hardware token starts on its tab
  const pending = usePendingTokens();
  const [chosen, setChosen] = useState<string | null>(null);
  const tab = chosen ?? (pending.data?.length ? "oath" : "totp");
  return (
    <Tabs value={tab} onChange={setChosen} keepMounted={false}>
      <Tabs.List aria-label="Kind of second factor">
        <Tabs.Tab value="totp">Authenticator app</Tabs.Tab>
        <Tabs.Tab value="webauthn">Security key</Tabs.Tab>
        <Tabs.Tab value="oath">Hardware token</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="totp" pt="md">
        <TotpEnrol onEnrolled={onEnrolled} />
      </Tabs.Panel>
      <Tabs.Panel value="webauthn" pt="md">
        <SecurityKeyEnrol onEnrolled={onEnrolled} />
      </Tabs.Panel>
      <Tabs.Panel value="oath" pt="md">
        <HardwareTokenEnrol onEnrolled={onEnrolled} />
      </Tabs.Panel>
    </Tabs>
  );
}
