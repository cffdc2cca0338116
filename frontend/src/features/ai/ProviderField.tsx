import type { ReactNode } from 'react';

import { useAiProviders } from '../../api/useAiProviders';
import { SelectField } from '../../components/Field';
import { kindLabel } from './providerKinds';

export interface ProviderFieldProps {
  tenantId: string;
  label: string;
  /** A provider id, or '' for the default. */
  value: string;
  onChange: (value: string) => void;
  /** What '' means here: "Workspace default", "Environment default", … */
  defaultLabel: string;
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
}

/** One of the workspace's providers, or the default. */
export function ProviderField({
  tenantId,
  label,
  value,
  onChange,
  defaultLabel,
  hint,
  error,
  disabled = false,
}: ProviderFieldProps) {
  const providers = useAiProviders(tenantId);
  const options = [
    { value: '', label: defaultLabel },
    ...(providers.data ?? []).map((p) => ({
      value: p.id,
      label: `${p.name} (${kindLabel(p.kind)})`,
    })),
  ];
  // A provider that is not (or not yet) in the list still shows as chosen.
  if (value && !options.some((option) => option.value === value)) {
    options.push({ value, label: providers.isPending ? 'Loading…' : 'A deleted provider' });
  }
  return (
    <SelectField
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      options={options}
      hint={hint}
      error={error}
      disabled={disabled}
    />
  );
}
