import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { copyText } from '../../lib/clipboard.js';


interface CopyButtonProps {
  text: string;
  /** Accessible name, e.g. "Copy fingerprint". */
  label: string;
  /** Visible text; icon-only when omitted. */
  children?: string;
  className?: string;
  onCopied?: () => void;
  testId?: string;
}

/** Copies `text`; says "Copied" for a moment (announced politely). */
export function CopyButton({ text, label, children, className, onCopied, testId }: CopyButtonProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const t = setTimeout(() => setCopied(null), 1600);
    return () => clearTimeout(t);
  }, [copied]);
  const icon = copied ? <Check size={12} aria-hidden="true" /> : <Copy size={12} aria-hidden="true" />;
  const onClick = () =>
    void copyText(text).then((ok) => {
      setCopied(ok);
      if (ok) onCopied?.();
    });
  const status = copied === null ? '' : copied ? 'Copied' : 'Copy failed: select the text instead';
  if (!children) {
    return (
      <button type="button" className={`icon-button small feed-copy${copied ? ' copied' : ''}${className ? ` ${className}` : ''}`} aria-label={label} title={copied ? status : label} onClick={onClick} data-testid={testId}>
        {icon}
        <span className="visually-hidden" aria-live="polite">
          {status}
        </span>
      </button>
    );
  }
  return (
    <button type="button" className={`button small${className ? ` ${className}` : ''}`} aria-label={label} onClick={onClick} data-testid={testId}>
      {icon}
      <span aria-live="polite">{copied ? 'Copied' : copied === false ? 'Copy failed' : children}</span>
    </button>
  );
}
