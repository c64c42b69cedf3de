/** Shows an error's message for people; never its stack or detail. */
export function ErrorMessage({ error, prefix }: { error: Error | null | undefined; prefix?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert">
      {prefix === undefined ? error.message : `${prefix}: ${error.message}`}
    </p>
  );
}
