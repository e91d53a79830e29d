/** A form's or a panel's error line, announced as it appears; nothing without an error. */
export function FormError({ error, testId }: { error: string | null; testId?: string }) {
  if (!error) return null;
  return (
    <p className="ui-field-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
