import {
  Button,
  FileInput,
  Group,
  List,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
} from "@mantine/core";
import { useState } from "react";
import { post } from "../../api/client.ts";
import { endpoints } from "../../api/endpoints.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Notice } from "../../components/Notice.tsx";

interface ImportReport {
  imported: boolean;
  dryRun: boolean;
  tokens: { line: number; serial: string; digits: number; period: number; algorithm: string }[];
  problems: { line: number; serial?: string; problem: string }[];
}

/**
 * Import token seeds: check first (nothing is stored), then import. All or nothing: one bad line
 * and nothing is imported, with every problem listed.
 */
export function ImportTokensModal(props: {
  opened: boolean;
  onClose: () => void;
  onImported: (n: number) => void;
}) {
  const [format, setFormat] = useState<"csv" | "pskc">("csv");
  const [content, setContent] = useState("");
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function send(dryRun: boolean) {
    setBusy(true);
    setError(null);
    try {
      const res = await post<ImportReport>(endpoints.oathImport, { format, content, dryRun });
      setReport(res);
      if (res.imported) {
        props.onImported(res.tokens.length);
        setContent("");
        setReport(null);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function readFile(file: File | null) {
    if (!file) return;
    setContent(await file.text());
    if (/\.(xml|pskc)$/i.test(file.name)) setFormat("pskc");
    setReport(null);
  }

  const checkedOk = report?.dryRun && report.problems.length === 0;
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Import hardware token seeds" size="lg">
      <Stack gap="md">
        <SegmentedControl
          aria-label="File format"
          value={format}
          onChange={(v) => setFormat(v as "csv" | "pskc")}
          data={[
            { value: "csv", label: "CSV" },
            { value: "pskc", label: "PSKC (XML)" },
          ]}
        />
        <FileInput
          label="Seed file"
          placeholder="Choose a file"
          accept=".csv,.txt,.xml,.pskc"
          onChange={readFile}
          clearable
        />
        <Textarea
          label="Or paste the content"
          description={
            format === "csv"
              ? "One token per line: serial,secret,digits,period[,algorithm]"
              : "RFC 6030 PSKC with plain secrets"
          }
          autosize
          minRows={4}
          maxRows={12}
          value={content}
          onChange={(e) => {
            setContent(e.currentTarget.value);
            setReport(null);
          }}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        />
        {report && report.problems.length > 0 && (
          <div role="alert">
            <Text fw={600} c="red.8" size="sm">
              Nothing was imported. Fix these lines:
            </Text>
            <List size="sm">
              {report.problems.map((p) => (
                <List.Item key={`${p.line}:${p.problem}`}>
                  Line {p.line}
                  {p.serial ? ` (${p.serial})` : ""}: {p.problem}
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {checkedOk && <Notice>{report.tokens.length} tokens are ready to import.</Notice>}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button
            variant="default"
            onClick={() => send(true)}
            loading={busy && !checkedOk}
            disabled={!content.trim()}
          >
            Check
          </Button>
          <Button onClick={() => send(false)} loading={busy && Boolean(checkedOk)} disabled={!checkedOk}>
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
