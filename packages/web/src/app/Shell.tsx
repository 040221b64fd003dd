import {
  Alert,
  Anchor,
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";
import { post } from "../api/client.ts";
import { endpoints } from "../api/endpoints.ts";
import {
  hasRole,
  ROLE_LABELS,
  type SessionView,
  signedInWithoutSecondFactor,
  useRefreshSession,
} from "../api/session.ts";
import { Logo } from "../components/Logo.tsx";
import { appRoutes } from "../routes.tsx";
import { Link, navigate, useLocation } from "./router.tsx";

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase())
    .join("");
}

/** The signed-in frame: header with the user menu, navigation by role, the page. */
export function Shell({ session, children }: { session: SessionView; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const refresh = useRefreshSession();
  const user = session.user!;
  const nav = appRoutes.filter((r) => r.navLabel && hasRole(user, r.roles));
  const groups = [...new Set(nav.map((r) => r.navGroup ?? "Work"))];

  async function signOut() {
    await post(endpoints.signOut).catch(() => {});
    await refresh();
    navigate("/sign-in?signed-out=1", { replace: true });
  }

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Open navigation" />
            <Anchor component={Link} href="/" underline="never" c="inherit">
              <Group gap={8}>
                <Logo size={22} />
                <Text fw={700} fz="lg">
                  Loupe
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Menu position="bottom-end" width={240} withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label={`Account menu for ${user.name}`}>
                <Group gap={8}>
                  <Avatar size={30} radius="xl" color="blue">
                    {initials(user.name)}
                  </Avatar>
                  <Text size="sm" fw={500} visibleFrom="xs">
                    {user.name}
                  </Text>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>
                {user.email}
                <br />
                {user.roles.map((r) => ROLE_LABELS[r]).join(", ") || "No roles"}
              </Menu.Label>
              <Menu.Item onClick={() => navigate("/account/security")}>Security settings</Menu.Item>
              <Menu.Divider />
              <Menu.Item onClick={signOut}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <Stack gap="md">
          {groups.map((g) => (
            <div key={g}>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4}>
                {g}
              </Text>
              {nav
                .filter((r) => (r.navGroup ?? "Work") === g)
                .map((r) => (
                  <NavLink
                    key={r.path}
                    component={Link}
                    href={r.path}
                    label={r.navLabel}
                    active={r.path === "/" ? pathname === "/" : pathname.startsWith(r.path)}
                    aria-current={pathname === r.path ? "page" : undefined}
                    onClick={close}
                  />
                ))}
            </div>
          ))}
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main bg="gray.0" id="main" tabIndex={-1} style={{ outline: "none" }}>
        <Stack gap="lg" maw={1200}>
          {signedInWithoutSecondFactor(session) && (
            <Alert color="blue" variant="light" title="Set up two-step sign-in" role="status">
              <Text size="sm">
                Your facility's accounts will soon need a second factor, and from its enforcement date you
                cannot go on without one. Set one up now in{" "}
                <Anchor component={Link} href="/account/security" size="sm">
                  Security settings
                </Anchor>
                : it takes a minute and needs no phone.
              </Text>
            </Alert>
          )}
          {children}
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
