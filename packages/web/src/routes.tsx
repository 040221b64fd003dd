import type { ReactNode } from "react";
import type { Role } from "./api/session.ts";
import { AuditLogPage } from "./pages/admin/AuditLogPage.tsx";
import { HardwareTokensPage } from "./pages/admin/HardwareTokensPage.tsx";
import { UsersPage } from "./pages/admin/UsersPage.tsx";
import { governanceRoutes } from "./pages/governance/routes.tsx";
import { HomePage } from "./pages/HomePage.tsx";
import { SecuritySettingsPage } from "./pages/SecuritySettingsPage.tsx";

/**
 * The signed-in app's pages. A module adds its page with one line here; `roles` hides it (in the
 * navigation and on direct visits) from everyone without one of them, and the server checks the
 * same on every request. `navLabel` puts it in the navigation, in this order.
 */
export interface AppRoute {
  path: string;
  element: () => ReactNode;
  roles?: Role[];
  navLabel?: string;
  /** navigation group heading */
  navGroup?: "Work" | "Governance" | "Administration";
}

export const appRoutes: AppRoute[] = [
  { path: "/", element: () => <HomePage />, navLabel: "Home", navGroup: "Work" },
  ...governanceRoutes,
  { path: "/account/security", element: () => <SecuritySettingsPage /> },
  {
    path: "/admin/users",
    element: () => <UsersPage />,
    roles: ["studio_admin"],
    navLabel: "Users",
    navGroup: "Administration",
  },
  {
    path: "/admin/hardware-tokens",
    element: () => <HardwareTokensPage />,
    roles: ["studio_admin"],
    navLabel: "Hardware tokens",
    navGroup: "Administration",
  },
  {
    path: "/admin/audit-log",
    element: () => <AuditLogPage />,
    roles: ["studio_admin", "security_auditor"],
    navLabel: "Audit log",
    navGroup: "Administration",
  },
];
