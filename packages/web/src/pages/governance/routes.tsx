import type { AppRoute } from "../../routes.tsx";
import { CampaignChangePage } from "./CampaignChangePage.tsx";
import { CampaignReviewPage } from "./CampaignReviewPage.tsx";
import { CampaignsPage } from "./CampaignsPage.tsx";
import { ImportPage } from "./ImportPage.tsx";
import { MfaAdoptionPage } from "./MfaAdoptionPage.tsx";
import { MyFacilityPage } from "./MyFacilityPage.tsx";
import { PartnersPage } from "./PartnersPage.tsx";
import { RequestFormPage } from "./RequestFormPage.tsx";
import { RequestsPage } from "./RequestsPage.tsx";
import { TaskTypesPage } from "./TaskTypesPage.tsx";

const VM_AND_STUDIO = ["studio_admin", "security_auditor", "vendor_manager"] as const;

/** The governance pages (the server checks the same roles on every request). */
export const governanceRoutes: AppRoute[] = [
  {
    path: "/governance/facility",
    element: () => <MyFacilityPage />,
    roles: [...VM_AND_STUDIO],
    navLabel: "People",
    navGroup: "Governance",
  },
  {
    path: "/governance/requests/new",
    element: () => <RequestFormPage />,
    roles: ["studio_admin", "vendor_manager"],
    navLabel: "Submit a request",
    navGroup: "Governance",
  },
  {
    path: "/governance/requests",
    element: () => <RequestsPage />,
    roles: [...VM_AND_STUDIO],
    navLabel: "Requests",
    navGroup: "Governance",
  },
  {
    path: "/governance/campaigns",
    element: () => <CampaignsPage />,
    roles: [...VM_AND_STUDIO],
    navLabel: "Account audits",
    navGroup: "Governance",
  },
  { path: "/governance/campaign", element: () => <CampaignReviewPage />, roles: [...VM_AND_STUDIO] },
  {
    path: "/governance/campaign/change",
    element: () => <CampaignChangePage />,
    roles: ["studio_admin", "vendor_manager"],
  },
  {
    path: "/governance/partners",
    element: () => <PartnersPage />,
    roles: ["studio_admin"],
    navLabel: "Partners",
    navGroup: "Governance",
  },
  {
    path: "/governance/task-types",
    element: () => <TaskTypesPage />,
    roles: ["studio_admin"],
    navLabel: "Task types",
    navGroup: "Governance",
  },
  {
    path: "/governance/mfa",
    element: () => <MfaAdoptionPage />,
    roles: ["studio_admin", "security_auditor"],
    navLabel: "MFA adoption",
    navGroup: "Governance",
  },
  {
    path: "/governance/import",
    element: () => <ImportPage />,
    roles: ["studio_admin"],
    navLabel: "Import people",
    navGroup: "Governance",
  },
];
