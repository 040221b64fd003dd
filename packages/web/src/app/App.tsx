import { Center, Loader } from "@mantine/core";
import { useEffect } from "react";
import { hasRole, useSession } from "../api/session.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { StepUpProvider } from "../components/StepUp.tsx";
import { AcceptInvitationPage } from "../pages/AcceptInvitationPage.tsx";
import { BootstrapPage } from "../pages/BootstrapPage.tsx";
import { EnrolPage } from "../pages/EnrolPage.tsx";
import { ForgotPasswordPage } from "../pages/ForgotPasswordPage.tsx";
import { NotFoundPage } from "../pages/NotFoundPage.tsx";
import { ResetPasswordPage } from "../pages/ResetPasswordPage.tsx";
import { SecondFactorPage } from "../pages/SecondFactorPage.tsx";
import { SignInPage } from "../pages/SignInPage.tsx";
import { VerifyEmailPage } from "../pages/VerifyEmailPage.tsx";
import { appRoutes } from "../routes.tsx";
import { navigate, useLocation } from "./router.tsx";
import { Shell } from "./Shell.tsx";

/** pages reached from a mailed or printed link: they work with or without a session */
const linkPages: Record<string, () => React.ReactNode> = {
  "/bootstrap": () => <BootstrapPage />,
  "/invitation": () => <AcceptInvitationPage />,
  "/verify-email": () => <VerifyEmailPage />,
  "/forgot-password": () => <ForgotPasswordPage />,
  "/reset-password": () => <ResetPasswordPage />,
};

/**
 * Where a visitor is decides little: the session's stage decides what they may see. No session:
 * sign in. Password checked: second factor. Must enrol: the enrolment step and nothing else.
 * Complete: the app. The server enforces the same on every request; this only keeps the UI honest.
 */
export function App() {
  const { data: session, error, isPending } = useSession();
  const { pathname } = useLocation();
  const complete = session?.user && session.stage === "complete";

  useEffect(() => {
    if (complete && pathname === "/sign-in") navigate("/", { replace: true });
  }, [complete, pathname]);

  const linkPage = linkPages[pathname];
  if (linkPage) return linkPage();
  if (isPending)
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (error || !session)
    return (
      <Center h="100vh" p="md">
        <ErrorAlert error={error} title="Loupe is not answering" />
      </Center>
    );
  if (!session.user || !session.stage) return <SignInPage ended={session.ended} />;
  if (session.stage === "password") return <SecondFactorPage session={session} />;
  if (session.stage === "enrol") return <EnrolPage session={session} />;

  const route = appRoutes.find((r) => r.path === pathname);
  const allowed = route && hasRole(session.user, route.roles);
  return (
    <StepUpProvider>
      <Shell session={session}>{allowed ? route.element() : <NotFoundPage />}</Shell>
    </StepUpProvider>
  );
}
