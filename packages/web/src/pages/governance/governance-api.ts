/** The governance API as the pages use it (packages/server/src/modules/governance/routes.ts). */
import { useQuery } from "@tanstack/react-query";
import { get } from "../../api/client.ts";
import { listOf } from "../../api/lists.ts";

export const gov = {
  taskTypes: "/api/governance/task-types",
  partners: "/api/governance/partners",
  partner: (id: string) => `/api/governance/partners/${id}`,
  people: (id: string) => `/api/governance/partners/${id}/people`,
  mfaReminders: (id: string) => `/api/governance/partners/${id}/mfa-reminders`,
  mfaAdoption: "/api/governance/mfa-adoption",
  requests: "/api/governance/requests",
  request: (id: string) => `/api/governance/requests/${id}`,
  approve: (id: string) => `/api/governance/requests/${id}/approve`,
  reject: (id: string) => `/api/governance/requests/${id}/reject`,
  campaigns: "/api/governance/campaigns",
  campaign: (id: string) => `/api/governance/campaigns/${id}`,
  lines: (id: string) => `/api/governance/campaigns/${id}/lines`,
  review: (id: string, lineId: string) => `/api/governance/campaigns/${id}/lines/${lineId}/review`,
  report: (id: string) => `/api/governance/campaigns/${id}/report.csv`,
  import: "/api/governance/import",
};

export const PARTNER_ROLES = ["vendor_manager", "download_manager", "operator", "verifier"] as const;

export interface Partner {
  id: string;
  name: string;
  allowedDomains: string[];
  contactName: string | null;
  contactEmail: string | null;
  verifierSeats: number;
  verifierSeatsTaken: number;
  mfaEnforcementDate: string | null;
  people: number;
}

export interface Person {
  id: string;
  name: string;
  email: string;
  status: string;
  roles: string[];
  taskTypes: string[];
}

export interface TaskType {
  key: string;
  name: string;
  description: string;
  requiresRole: "verifier" | null;
  active: boolean;
}

export interface AccessRequest {
  id: string;
  partnerName: string;
  kind: "onboard" | "change_roles" | "change_task_types" | "deactivate";
  status: "pending" | "approved" | "rejected" | "superseded";
  subjectName: string;
  subjectEmail: string;
  payload: { roles?: string[]; taskTypes?: string[]; deactivationReason?: string; note?: string };
  submittedBy: { name: string };
  submittedAt: string;
  decidedBy: { name: string } | null;
  decidedAt: string | null;
  decisionReason: string | null;
  history?: { at: string; action: string; actorEmail: string | null }[];
}

export interface Campaign {
  id: string;
  name: string;
  deadline: string;
  status: "open" | "closed";
  noResponseOutcome: string;
  reminderEveryDays: number;
  reminderDaysBefore: number;
  launchedAt: string;
  progress: {
    partnerId: string;
    partnerName: string;
    lines: number;
    reviewed: number;
    pending: number;
    outcomeApplied: number;
  }[];
}

export interface Line {
  id: string;
  partnerName: string;
  userId: string;
  name: string;
  email: string;
  roles: string[];
  taskTypes: string[];
  reviewer: "vendor_manager" | "studio_admin";
  decision: "keep" | "change" | "remove" | null;
  requestStatus: string | null;
  outcome: string | null;
  currentStatus: string;
}

export const KIND_LABELS: Record<AccessRequest["kind"], string> = {
  onboard: "Onboard a person",
  change_roles: "Change roles",
  change_task_types: "Change task types",
  deactivate: "Deactivate",
};

export function usePartners() {
  return useQuery({
    queryKey: ["gov", "partners"],
    queryFn: async () => listOf<Partner>(await get(gov.partners), "partners"),
  });
}

export function useTaskTypes() {
  return useQuery({
    queryKey: ["gov", "task-types"],
    queryFn: async () => listOf<TaskType>(await get(gov.taskTypes), "taskTypes"),
    staleTime: 60_000,
  });
}

export function usePeople(partnerId: string | null) {
  return useQuery({
    queryKey: ["gov", "people", partnerId],
    enabled: !!partnerId,
    queryFn: async () => listOf<Person>(await get(gov.people(partnerId!)), "people"),
  });
}
