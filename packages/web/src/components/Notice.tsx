import { Alert } from "@mantine/core";
import type { ReactNode } from "react";

/** A success or information message, announced politely to screen readers. */
export function Notice(props: { title?: string; children: ReactNode; color?: string }) {
  return (
    <Alert color={props.color ?? "teal"} variant="light" title={props.title} role="status" aria-live="polite">
      {props.children}
    </Alert>
  );
}
