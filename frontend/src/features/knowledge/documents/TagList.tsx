export interface TagListProps {
  tags: readonly string[];
  /** When given, each tag is a button that filters the list by it. */
  onPick?: (tag: string) => void;
  /** The tag filtered by now, shown as selected. */
  active?: string;
}

/** A document's tags as small chips. */
export function TagList({ tags, onPick, active }: TagListProps) {
  if (tags.length === 0) return null;
  const chip = 'rounded-pill px-2 py-0.5 text-xs font-medium';
  return (
    <ul aria-label="Tags" className="mt-1 flex flex-wrap gap-1">
      {tags.map((tag) => {
        const tone =
          tag === active ? 'bg-brand-50 text-brand-700' : 'bg-surface-sunken text-ink-muted';
        return (
          <li key={tag}>
            {onPick ? (
              <button
                type="button"
                onClick={() => onPick(tag)}
                aria-label={`Show documents tagged ${tag}`}
                className={`${chip} ${tone} hover:text-brand-700`}
              >
                {tag}
              </button>
            ) : (
              <span className={`${chip} ${tone}`}>{tag}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
