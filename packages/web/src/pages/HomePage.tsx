import { Anchor, Card, SimpleGrid, Text, Title } from "@mantine/core";
import { hasRole, useSession } from "../api/session.ts";
import { Link } from "../app/router.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { appRoutes } from "../routes.tsx";

/** The start page: where the user's roles take them. */
export function HomePage() {
  const user = useSession().data?.user ?? null;
  const places = appRoutes.filter((r) => r.navLabel && r.path !== "/" && hasRole(user, r.roles));
  const isPartner = Boolean(user?.partnerId);
  return (
    <>
      <PageHeader
        title={`Welcome, ${user?.name ?? ""}`}
        description={
          isPartner
            ? "Your facility's work in the QC partner programme."
            : "The studio's QC partner programme."
        }
      />
      {isPartner && (
        <Card withBorder padding="lg">
          <Title order={2} fz="h4">
            Your work
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            QC tasks assigned to your facility will appear here.
          </Text>
        </Card>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        {places.map((r) => (
          <Card key={r.path} withBorder padding="lg">
            <Anchor component={Link} href={r.path} fw={600}>
              {r.navLabel}
            </Anchor>
          </Card>
        ))}
        <Card withBorder padding="lg">
          <Anchor component={Link} href="/account/security" fw={600}>
            Security settings
          </Anchor>
          <Text size="sm" c="dimmed" mt={4}>
            Your second factors, recovery codes, password and sessions.
          </Text>
        </Card>
      </SimpleGrid>
    </>
  );
}
