import { PageHeader } from "../components/PageHeader.tsx";
import { FactorsSection } from "./security/FactorsSection.tsx";
import { PasswordSection } from "./security/PasswordSection.tsx";
import { RecoveryCodesSection } from "./security/RecoveryCodesSection.tsx";
import { SessionsSection } from "./security/SessionsSection.tsx";

/** Everything about how the user signs in, on one page. */
export function SecuritySettingsPage() {
  return (
    <>
      <PageHeader
        title="Security settings"
        description="How you sign in to Loupe, and where you are signed in."
      />
      <FactorsSection />
      <RecoveryCodesSection />
      <PasswordSection />
      <SessionsSection />
    </>
  );
}
