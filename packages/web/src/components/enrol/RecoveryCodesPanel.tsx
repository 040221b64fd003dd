import { Alert, Button, Checkbox, CopyButton, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";

/**
 * Recovery codes, shown this once: copy or download them, then confirm they are saved. They are
 * stored hashed on the server, so nobody can show them again.
 */
export function RecoveryCodesPanel(props: {
  codes: string[];
  onConfirmed: () => void;
  confirmLabel?: string;
}) {
  const [saved, setSaved] = useState(false);
  const text = props.codes.join("\n");

  function download() {
    const blob = new Blob(
      [`Loupe recovery codes\nEach code works once. Keep them somewhere safe.\n\n${text}\n`],
      { type: "text/plain" },
    );
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = "loupe-recovery-codes.txt";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" title="Save these now: they are shown only once">
        If you lose your authenticator or security key, each code lets you sign in once.
      </Alert>
      <SimpleGrid
        cols={2}
        spacing="xs"
        component="ol"
        aria-label="Recovery codes"
        data-testid="recovery-codes"
        style={{ listStyle: "none", padding: 0, margin: 0 }}
      >
        {props.codes.map((c) => (
          <Text
            component="li"
            key={c}
            ff="monospace"
            fz="md"
            ta="center"
            py={6}
            bg="gray.0"
            style={{ borderRadius: 4, letterSpacing: "0.05em" }}
          >
            {c}
          </Text>
        ))}
      </SimpleGrid>
      <Group gap="sm">
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? "Copied" : "Copy codes"}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={download}>
          Download as text file
        </Button>
      </Group>
      <Checkbox
        label="I have saved my recovery codes somewhere safe"
        checked={saved}
        onChange={(e) => setSaved(e.currentTarget.checked)}
      />
      <Button onClick={props.onConfirmed} disabled={!saved} w="fit-content">
        {props.confirmLabel ?? "Continue"}
      </Button>
    </Stack>
  );
}
