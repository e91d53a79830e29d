import { useEffect, useState } from 'react';
import type { Finding } from '../../../main/contract/findings.js';
import { api } from '../../api/index.js';
import { SeverityBadge } from '../../components/badges.js';

/** The open high and critical scan findings of the alert's hosts (what the exposure term counts). */
export function ExposureFindings({ hosts }: { hosts: string[] }) {
  const [items, setItems] = useState<Finding[] | null>(null);
  const key = hosts.join(',');
  useEffect(() => {
    let live = true;
    setItems(null);
    if (!key) return;
    api.call('findings.forHosts', { hosts: key.split(','), limit: 10 }).then(
      (f) => live && setItems(f),
      () => live && setItems([]),
    );
    return () => {
      live = false;
    };
  }, [key]);
  if (!items?.length) return null;
  return (
    <div className="ad-exposure" data-testid="alert-exposure">
      <p className="faint">Open high and critical scan findings on {[...new Set(items.map((f) => f.host))].join(', ')}:</p>
      <ul>
        {items.map((f) => (
          <li key={f.id}>
            <SeverityBadge severity={f.severity} /> <a href={`#/findings?host=${encodeURIComponent(f.host ?? '')}`}>{f.title}</a>{' '}
            <span className="mono faint">
              {f.port !== null ? `:${f.port}` : ''} {f.cves.slice(0, 2).join(' ')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
