import { FileJson, FileSpreadsheet, FileText } from 'lucide-react';
import type { ExportFormat } from '../../../main/contract/console.js';
import { api } from '../../api/index.js';
import { ExportLauncher, type ExportChoice } from '../../components/ExportLauncher.js';
import { formatCount } from '../../lib/format.js';
import { describeFilter, toListFilter, useAlerts } from '../../stores/alerts.js';

const ALERTS = { one: 'alert', many: 'alerts' };

const FORMATS: readonly ExportChoice<ExportFormat>[] = [
  { format: 'csv', label: 'CSV', hint: 'a spreadsheet: one row per alert, notes in a cell', icon: FileSpreadsheet },
  { format: 'json', label: 'JSON', hint: 'one array of alerts, with their notes', icon: FileJson },
  { format: 'ndjson', label: 'NDJSON', hint: 'one alert per line, for jq and SIEM imports', icon: FileText },
];

/** "Export" on the Alerts screen: exactly what the filter matches, in the order shown. */
export function ExportMenu() {
  const total = useAlerts((s) => s.total);
  return (
    <ExportLauncher
      label="Export"
      testId="export-button"
      head={`Export ${total === null ? 'the matching alerts' : `${formatCount(total)} matching ${total === 1 ? 'alert' : 'alerts'}`}`}
      note="Every alert the filter matches, not just the loaded rows, with host, agent and notes: the columns of vigil alerts export."
      formats={FORMATS}
      noun={ALERTS}
      browserNote="Your browser saves the file as it arrives, with the same columns as vigil alerts export."
      begin={async (format) => {
        const s = useAlerts.getState();
        const filter = s.loaded ? s.currentListFilter() : toListFilter(s.filter);
        return { started: await api.call('alerts.export', { filter, format, sort: s.sort }), description: describeFilter(filter, s.filter.range) };
      }}
    />
  );
}
