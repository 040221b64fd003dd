import { Select } from "@mantine/core";
import { useEffect } from "react";
import { usePartners } from "./governance-api.ts";

/** The partner a page works on: a Vendor Manager has only their own, the studio chooses. */
export function PartnerPicker(props: { value: string | null; onChange: (id: string | null) => void }) {
  const partners = usePartners();
  const list = partners.data ?? [];
  const { value, onChange } = props;
  useEffect(() => {
    if (!value && list.length > 0) onChange(list[0].id);
  }, [value, list, onChange]);
  if (list.length <= 1) return null;
  return (
    <Select
      label="Partner"
      data={list.map((p) => ({ value: p.id, label: p.name }))}
      value={value}
      onChange={onChange}
      allowDeselect={false}
      w={280}
    />
  );
}
