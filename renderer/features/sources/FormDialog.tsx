import { CircleAlert, LoaderCircle } from 'lucide-react';
import type { ReactNode, RefObject } from 'react';
import { Dialog } from './Dialog.js';

export interface FormError {
  message: string;
  issues: string[];
}

interface FormDialogProps {
  title: string;
  description: ReactNode;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  busy: boolean;
  /** The request's error, shown inline above the buttons (with the contract's issues). */
  error: FormError | null;
  errorId: string;
  errorTestId: string;
  initialFocus: RefObject<HTMLElement | null>;
  testId: string;
  children: ReactNode;
}

/** A dialog holding one form: its fields, the inline error of the last submit, Cancel and the submit button. */
export function FormDialog({ title, description, onClose, onSubmit, submitLabel, busy, error, errorId, errorTestId, initialFocus, testId, children }: FormDialogProps) {
  return (
    <Dialog title={title} description={description} onClose={onClose} initialFocus={initialFocus} busy={busy} width={520} testId={testId}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
        noValidate
      >
        {children}
        {error ? (
          <div id={errorId} className="inline-error" role="alert" data-testid={errorTestId}>
            <CircleAlert size={14} aria-hidden="true" />
            <div className="inline-error-body">
              {error.message}
              {error.issues.length > 0 ? (
                <ul className="issue-list">
                  {error.issues.map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : null}
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
