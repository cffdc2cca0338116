/**
 * Whether `value` is one of `options`: narrows a string from the DOM, the URL or the API to the
 * union that `options` lists (instead of asserting it with `as`).
 */
export function isOneOf<T extends string>(options: readonly T[], value: string): value is T {
  return options.some((option) => option === value);
}

/** The value of the option a `<select>` reported, typed as the options' union (or undefined). */
export function optionValue<T extends string>(
  options: readonly { value: T }[],
  value: string,
): T | undefined {
  return options.find((option) => option.value === value)?.value;
}
