/** An accessible progress bar: role=progressbar with aria-valuenow in percent. */
export function ProgressBar({ fraction, label }: { fraction: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-label={label}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">{label}</span>
    </div>
  );
}
