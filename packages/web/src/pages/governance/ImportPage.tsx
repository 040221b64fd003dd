import { Badge, Button, Card, Group, Stack, Table, Text, Textarea } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { post } from "../../api/client.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { gov } from "./governance-api.ts";

interface Report {
  applied: boolean;
  valid: number;
  invalid: number;
  created: number;
  rows: {
    line: number;
    partner: string;
    name: string;
    email: string;
    ok: boolean;
    problems: { message: string }[];
  }[];
}

/** Studio Admin: import the partners' existing user lists; check first, then create the valid rows. */
export function ImportPage() {
  const [csv, setCsv] = useState("partner,name,email,roles,task types\n");
  const run = useMutation({ mutationFn: (apply: boolean) => post<Report>(gov.import, { csv, apply }) });
  const report = run.data;
  return (
    <>
      <PageHeader
        title="Import people"
        description="Columns: partner, name, email, roles, task types (separate several with ';'). Check first; applying creates every valid row as an invitation."
      />
      <Card withBorder padding="md">
        <Stack>
          <Textarea
            label="CSV"
            autosize
            minRows={6}
            maxRows={20}
            value={csv}
            onChange={(e) => setCsv(e.currentTarget.value)}
            styles={{ input: { fontFamily: "monospace" } }}
          />
          <Group>
            <Button variant="light" onClick={() => run.mutate(false)} loading={run.isPending}>
              Check
            </Button>
            <Button
              onClick={() => run.mutate(true)}
              disabled={!report || report.applied || report.valid === 0}
            >
              Import {report && !report.applied ? `${report.valid} valid row(s)` : ""}
            </Button>
          </Group>
          <ErrorAlert error={run.error} />
        </Stack>
      </Card>
      {report?.applied && <Notice>{report.created} people invited. Rows with problems were left out.</Notice>}
      {report && (
        <Card withBorder padding="md">
          <Table aria-label="Import report">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Line</Table.Th>
                <Table.Th>Person</Table.Th>
                <Table.Th>Partner</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.rows.map((r) => (
                <Table.Tr key={r.line}>
                  <Table.Td>{r.line}</Table.Td>
                  <Table.Td>
                    {r.name} &lt;{r.email}&gt;
                  </Table.Td>
                  <Table.Td>{r.partner}</Table.Td>
                  <Table.Td>
                    {r.ok ? (
                      <Badge color="teal" variant="light">
                        ok
                      </Badge>
                    ) : (
                      r.problems.map((p) => (
                        <Text size="sm" c="red" key={p.message}>
                          {p.message}
                        </Text>
                      ))
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
