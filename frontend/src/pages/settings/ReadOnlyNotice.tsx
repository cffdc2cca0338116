export function ReadOnlyNotice() {
  return (
    <p className="mb-gutter rounded-control bg-surface-sunken px-4 py-3 text-sm text-ink-muted">
      You can look but not change: only owners and admins edit these settings.
    </p>
  );
}
