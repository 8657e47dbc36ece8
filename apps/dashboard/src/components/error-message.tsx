import { ApiError } from '../api/api-error';

/** An error as a person reads it: the platform's message, and each field problem on its own line. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <div className="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
      {problems.length > 1 ? (
        <ul>
          {problems.map((p) => (
            <li key={`${p.field}:${p.message}`}>
              {p.field}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
