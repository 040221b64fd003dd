import { Modal, Text } from "@mantine/core";
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from "react";
import { ApiError } from "../api/client.ts";
import { SecondFactorForm } from "./SecondFactorForm.tsx";

type Runner = <T>(action: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<Runner | null>(null);

export class StepUpCancelled extends Error {
  constructor() {
    super("Confirming it was you was cancelled: nothing was changed.");
  }
}

/**
 * Sensitive changes (removing a factor, new recovery codes, resetting someone's factors) need a
 * fresh second factor. `useStepUp()(action)` runs the action; when the server answers
 * STEP_UP_REQUIRED it asks for a factor in a dialog, then runs the action again.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pending = useRef<{ resolve: () => void; reject: (e: Error) => void } | null>(null);

  const ask = useCallback(
    () =>
      new Promise<void>((resolve, reject) => {
        pending.current = { resolve, reject };
        setOpen(true);
      }),
    [],
  );

  const run: Runner = useCallback(
    async (action) => {
      try {
        return await action();
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== "STEP_UP_REQUIRED") throw err;
        await ask();
        return action();
      }
    },
    [ask],
  );

  const close = () => {
    setOpen(false);
    pending.current?.reject(new StepUpCancelled());
    pending.current = null;
  };
  const done = () => {
    setOpen(false);
    pending.current?.resolve();
    pending.current = null;
  };

  return (
    <StepUpContext.Provider value={run}>
      {children}
      <Modal opened={open} onClose={close} title="Confirm it is you" centered size={500} zIndex={400}>
        <Text size="sm" mb="md">
          This change needs a fresh second factor.
        </Text>
        <SecondFactorForm mode="step-up" onDone={done} />
      </Modal>
    </StepUpContext.Provider>
  );
}

const passThrough: Runner = (action) => action();

/** outside the signed-in app (the must-enrol step) there is nothing to step up from: run as is */
export function useStepUp(): Runner {
  return useContext(StepUpContext) ?? passThrough;
}
