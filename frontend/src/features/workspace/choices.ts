/** Time zones the browser knows (IANA names, as the API expects), with UTC and `current` included. */
export function timeZoneOptions(current?: string): { value: string; label: string }[] {
  const known =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = new Set<string>(['UTC', ...known]);
  if (current) zones.add(current);
  return [...zones]
    .sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)))
    .map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }));
}

/** Suggestions for the locale field (any BCP 47 tag is accepted). */
export const COMMON_LOCALES = [
  { tag: 'en', name: 'English' },
  { tag: 'es', name: 'Spanish' },
  { tag: 'pt-BR', name: 'Portuguese (Brazil)' },
  { tag: 'pt', name: 'Portuguese' },
  { tag: 'ru', name: 'Russian' },
  { tag: 'uk', name: 'Ukrainian' },
  { tag: 'de', name: 'German' },
  { tag: 'fr', name: 'French' },
  { tag: 'it', name: 'Italian' },
  { tag: 'tr', name: 'Turkish' },
] as const;
