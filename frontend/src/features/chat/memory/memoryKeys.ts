import type { MemoryCreate } from '../../../client';

export type MemoryKey = NonNullable<MemoryCreate['key']>;

export const MEMORY_KEYS: Record<MemoryKey, string> = {
  name: 'Name',
  email: 'E-mail',
  phone: 'Phone',
  city: 'City',
  company: 'Company',
  budget: 'Budget',
  need: 'Need',
  preference: 'Preference',
  dislike: 'Dislike',
  other: 'Other',
};

export function isMemoryKey(value: string): value is MemoryKey {
  return Object.hasOwn(MEMORY_KEYS, value);
}

export function memoryKeyLabel(key: string): string {
  return isMemoryKey(key) ? MEMORY_KEYS[key] : key;
}
