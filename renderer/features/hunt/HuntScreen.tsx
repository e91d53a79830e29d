import './hunt.css';
import { BookmarkPlus, BriefcaseBusiness, ChartColumn, Crosshair, FileJson, FileText, Play, Rows3, Trash2, X } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { HUNT_FIELD_NAMES, type EventDetail, type EventRow, type EventsExportFormat, type EventsHistogramResponse } from '../../../main/contract/hunt.js';
import { CASE_RECORDS_KEEP_ALL } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';
import { toastError, useToasts } from '../../stores/toasts.js';
import { EmptyState } from '../../components/EmptyState.js';
import { CountBars } from '../../components/CountBars.js';
import { Value, type ValueKind } from '../../components/ValueMenu.js';
import { VirtualGrid, type GridColumn, type GridSort } from '../../components/VirtualGrid.js';
import { KeepInCaseDialog } from '../../components/KeepInCaseDialog.js';
import { ExportLauncher, type ExportChoice } from '../../components/ExportLauncher.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { Time } from '../../components/Time.js';
import { navigate } from '../../app/router.js';
import { formatCount, formatEndpoint, formatLocalTime, utcTitle } from '../../lib/format.js';
import { eventTypeLabel, hostQuery, recordSummary, recordSummaryParts } from '../../lib/records.js';
import { GROUP_FIELDS, huntHref, HUNT_MARGIN_MS, HUNT_RANGES, huntViewHref, parseHuntQuery, spanAround, sameView, timeOrder, withoutGroupBy, withTerm, withTimeOrder, type HuntRange, type HuntSpan, type HuntView } from './model.js';
import { hasGroupBy, useHunt } from './store.js';
import { HistogramFigure } from './histogram.js';

/** Fields of a record whose values the analyst pivots from with the value menu (hunt, alerts, copy). */
const VALUE_KIND: Record<string, ValueKind> = {
  src_ip: 'ip',
  dst_ip: 'ip',
  'dns.rrname': 'domain',
  'http.hostname': 'domain',
  'tls.sni': 'domain',
  'http.url': 'url',
  'file.sha256': 'hash',
};
const CHECK_DEBOUNCE_MS = 150;

const EXAMPLES = [
  'event_type:dns dns.rrname:*.ru | groupby dns.rrname',
  'event_type:tls | groupby tls.sni',
  'flow.bytes:>=10000000 | groupby src_ip dst_ip',
  'event_type:http http.user_agent:*curl*',
];

// ---------- query bar ----------

function QueryBar({ view }: { view: HuntView }) {
  const [text, setText] = useState(view.q);
  const check = useHunt((s) => s.check);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setText(view.q), [view.q]);
  useEffect(() => {
    const t = setTimeout(() => void useHunt.getState().checkText(text), CHECK_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text]);

  const bad = check && !check.ok && text.trim() !== '' ? check : null;
  // the query over the same time (a fixed span stays), or over a range picked (which ends the span)
  const submit = (range?: HuntRange) => {
    const next: HuntView = range === undefined ? { ...view, q: text.trim() } : { q: text.trim(), range };
    if (sameView(next, view)) useHunt.getState().run(next, true);
    else navigate(huntViewHref(next));
  };

  return (
    <form
      className="hu-bar"
      role="search"
      aria-label="Hunt query"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="hu-query">
        <Crosshair size={14} className="hu-query-icon" aria-hidden="true" />
        <input
          ref={input}
          className="hu-input mono"
          type="search"
          aria-label="Query"
          placeholder="event_type:dns dns.rrname:*.example.ru src_ip:10.0.0.0/8 | groupby dns.rrname"
          value={text}
          spellCheck={false}
          autoComplete="off"
          maxLength={4000}
          aria-invalid={bad ? true : undefined}
          aria-describedby={bad ? 'hunt-query-error' : 'hunt-query-help'}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') input.current?.blur();
          }}
        />
      </div>
      <select
        className="hu-range"
        aria-label="Time range"
        value={view.span ? SPAN_OPTION : view.range}
        title={view.span ? `${utcTitle(view.span.from)} – ${utcTitle(view.span.to)}` : undefined}
        onChange={(e) => {
          if (e.target.value !== SPAN_OPTION) submit(e.target.value as HuntRange);
        }}
      >
        {view.span ? <option value={SPAN_OPTION}>{spanLabel(view.span)}</option> : null}
        {HUNT_RANGES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      <button type="submit" className="button primary">
        <Play size={13} aria-hidden="true" />
        Hunt
      </button>
      <SavedQueries current={text} />
      {bad ? (
        <div id="hunt-query-error" className="hu-error" role="alert" data-testid="query-error">
          <code className="hu-error-text mono" aria-hidden="true">
            {text.slice(0, bad.column - 1)}
            <mark>{text.slice(bad.column - 1, bad.column) || ' '}</mark>
            {text.slice(bad.column)}
          </code>
          <span>{bad.message}</span>
        </div>
      ) : (
        <p id="hunt-query-help" className="hu-help faint text-sm">
          Terms are <span className="mono">field:value</span>, ANDed; <span className="mono">*</span> is a wildcard, addresses take CIDR blocks; pipes:{' '}
          <span className="mono">| groupby F</span>, <span className="mono">| sort F</span>, <span className="mono">| head N</span>. Enter runs it.
        </p>
      )}
    </form>
  );
}

function SavedQueries({ current }: { current: string }) {
  const saved = useHunt((s) => s.saved);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void useHunt.getState().loadSaved(), []);
  const save = async () => {
    if (!name.trim()) return setError('Name the query.');
    const err = await useHunt.getState().save(name.trim(), current.trim());
    if (err) setError(err);
    else {
      setName('');
      setError(null);
    }
  };
  return (
    <div className="hu-saved">
      <button type="button" className="button" aria-expanded={open} aria-controls="hunt-saved" onClick={() => setOpen(!open)}>
        <BookmarkPlus size={13} aria-hidden="true" />
        Saved queries{saved.length ? ` (${saved.length})` : ''}
      </button>
      {open ? (
        <div id="hunt-saved" className="hu-saved-panel" role="region" aria-label="Saved queries">
          {saved.length === 0 ? <p className="faint text-sm">No saved queries yet.</p> : null}
          <ul>
            {saved.map((s) => (
              <li key={s.id}>
                <a href={huntViewHref({ ...useHunt.getState().view, q: s.query })} onClick={() => setOpen(false)} title={s.query}>
                  <span className="hu-saved-name">{s.name}</span>
                  <span className="mono faint hu-saved-q">{s.query || '(every record)'}</span>
                </a>
                <button type="button" className="icon-button small" aria-label={`Delete saved query ${s.name}`} onClick={() => void useHunt.getState().removeSaved(s.id)}>
                  <Trash2 size={13} aria-hidden="true" />
                </button>
              </li>
            ))}
          </ul>
          <div className="hu-save-row">
            <input className="ui-input" aria-label="Name of the query to save" placeholder="Name this query" value={name} maxLength={80} onChange={(e) => (setName(e.target.value), setError(null))} />
            <button type="button" className="button small primary" onClick={() => void save()}>
              Save current
            </button>
          </div>
          {error ? (
            <span className="ui-field-error" role="alert">
              {error}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

// ---------- histogram ----------

/**
 * Keeps every record the hunt found (up to CASE_RECORDS_KEEP_ALL) in a case: their ids are read
 * over the histogram's own range, so the records kept are the ones counted (as many as the list
 * reaches: a `| head N` keeps N).
 */
function KeepAll({ histogram }: { histogram: EventsHistogramResponse }) {
  const q = useHunt((s) => s.view.q);
  const [ids, setIds] = useState<number[] | null>(null);
  const [busy, setBusy] = useState(false);
  const tooMany = histogram.listed > CASE_RECORDS_KEEP_ALL;
  const start = async () => {
    setBusy(true);
    try {
      const found: number[] = [];
      let cursor: string | undefined;
      do {
        const res = await api.call('events.query', { query: withoutGroupBy(q), from: histogram.from, to: histogram.to, limit: 1000, ...(cursor ? { cursor } : {}) });
        found.push(...res.rows.map((r) => r.id));
        cursor = res.next ?? undefined;
      } while (cursor && found.length < CASE_RECORDS_KEEP_ALL);
      // the store may have pruned them since they were counted (or more may have come in the range)
      if (found.length === 0) useToasts.getState().push('info', 'No record is left to keep: retention has pruned them since the hunt ran');
      else setIds(found.slice(0, CASE_RECORDS_KEEP_ALL));
    } catch (err) {
      toastError(`Could not read the records to keep: ${errorMessage(err)}`);
    }
    setBusy(false);
  };
  return (
    <>
      <button
        type="button"
        className="button ghost small"
        disabled={tooMany || busy}
        onClick={() => void start()}
        title={tooMany ? `Narrow the hunt to ${formatCount(CASE_RECORDS_KEEP_ALL)} records or fewer to keep them all in a case` : 'Keep a copy of every record found with a case'}
        data-testid="hunt-keep-all"
      >
        <BriefcaseBusiness size={13} aria-hidden="true" /> Keep all in case…
      </button>
      {ids ? <KeepInCaseDialog recordIds={ids} suggestion={`Hunt: ${withoutGroupBy(q) || 'every record'}`.slice(0, 200)} onClose={() => setIds(null)} /> : null}
    </>
  );
}

const RECORDS = { one: 'record', many: 'records' };

const EXPORT_FORMATS: readonly ExportChoice<EventsExportFormat>[] = [
  { format: 'eve', label: 'EVE', hint: 'the raw lines as the sensor wrote them (an eve.json)', icon: FileText },
  { format: 'ndjson', label: 'NDJSON', hint: 'one record per line, the fields Hunt shows', icon: FileText },
  { format: 'json', label: 'JSON', hint: 'one array, the fields Hunt shows', icon: FileJson },
];

/**
 * Exports every record the hunt counted (over the histogram's own range, as Keep all), in the
 * query's order, as a job with progress and Stop: headless a download, on the desktop a file the
 * analyst chose.
 */
function HuntExport({ histogram }: { histogram: EventsHistogramResponse }) {
  const q = useHunt((s) => s.view.q);
  const query = withoutGroupBy(q);
  return (
    <ExportLauncher
      label="Export the records"
      testId="hunt-export"
      triggerClassName="button ghost small"
      head={`Export ${formatCount(histogram.listed)} ${histogram.listed === 1 ? 'record' : 'records'}`}
      note="Every record the hunt lists over its range, not just the loaded rows; the same bytes as vigil events export."
      formats={EXPORT_FORMATS}
      noun={RECORDS}
      browserNote="Your browser saves the file as it arrives, the same bytes as vigil events export."
      begin={async (format) => ({ started: await api.call('events.export', { query, from: histogram.from, to: histogram.to, format }), description: query || 'every record' })}
    />
  );
}

/** The label of a fixed span in the range picker ("Nov 21, 13:00:00 – Nov 21, 14:00:00"). */
function spanLabel(span: HuntSpan): string {
  return `${formatLocalTime(span.from)} – ${formatLocalTime(span.to)}`;
}

/** The range picker's option for a fixed span. */
const SPAN_OPTION = 'span';

function Histogram() {
  const h = useHunt((s) => s.histogram);
  const err = useHunt((s) => s.histogramError);
  const view = useHunt((s) => s.view);
  const total = h ? h.total : null;
  return (
    <section className="hu-panel hu-histogram" aria-labelledby="hu-hist-title">
      <header className="hu-panel-head">
        <h2 id="hu-hist-title" className="hu-panel-title">
          <ChartColumn size={14} aria-hidden="true" />
          Records over time
        </h2>
        <span className="faint text-sm" data-testid="hunt-total">
          {total === null ? '' : `${formatCount(total)} ${total === 1 ? 'record' : 'records'}`}
        </span>
        {h && h.listed < h.total ? (
          <span className="faint text-sm" data-testid="hunt-listed" title="The query's | head, or a sort by a field (10,000 at most), ends the list">
            · {formatCount(h.listed)} listed
          </span>
        ) : null}
        {h && h.total > 0 ? (
          <>
            <HuntExport histogram={h} />
            <KeepAll histogram={h} />
          </>
        ) : null}
      </header>
      {/* a bar clicked or picked with the keyboard: the same query over that bar's time */}
      <HistogramFigure
        h={h}
        label="Records over time"
        height={110}
        href={(span) => huntViewHref({ ...view, span })}
        overlay={err ? <span className="faint text-sm">Could not count: {err.describe()}</span> : !h ? <span className="skeleton hu-chart-sk" /> : h.total === 0 ? <span className="faint text-sm">No records in this range</span> : null}
        testId="hunt-histogram"
        tableTestId="hunt-bucket-zoom"
      />
    </section>
  );
}

// ---------- group-by ----------

function GroupBy({ view }: { view: HuntView }) {
  const groups = useHunt((s) => s.groups);
  const err = useHunt((s) => s.groupsError);
  const field = useHunt((s) => s.groupField);
  // the records matched, once the histogram (the quicker count) has them
  const matched = useHunt((s) => s.histogram?.total ?? null);
  const fromQuery = hasGroupBy(view.q);
  return (
    <section className="hu-panel hu-groups" aria-labelledby="hu-groups-title" data-testid="hunt-groups">
      <header className="hu-panel-head">
        <h2 id="hu-groups-title" className="hu-panel-title">
          <Rows3 size={14} aria-hidden="true" />
          {groups ? `Top ${groups.fields.join(' × ')}` : 'Top values'}
        </h2>
        {fromQuery ? null : (
          <select className="hu-group-field" aria-label="Count by field" value={field} onChange={(e) => useHunt.getState().setGroupField(e.target.value)}>
            {GROUP_FIELDS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        )}
      </header>
      {err ? (
        <p className="faint text-sm hu-pad">Could not count: {err.describe()}</p>
      ) : !groups ? (
        <div className="hu-pad" aria-busy="true">
          {/* a week of a busy sensor takes seconds to count: say how much is being counted */}
          {matched !== null ? (
            <p className="faint text-sm hu-counting" role="status" data-testid="hunt-groups-counting">
              Counting {formatCount(matched)} {matched === 1 ? 'record' : 'records'}…
            </p>
          ) : null}
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="skeleton hu-group-sk" />
          ))}
        </div>
      ) : groups.groups.length === 0 ? (
        <p className="faint text-sm hu-pad">Nothing to count: no record has {groups.fields.join(' or ')} here.</p>
      ) : (
        <CountBars
          className="hu-group-list"
          testId="group-row"
          rows={groups.groups.map((g) => ({
            key: g.drill,
            label: g.values.map((v) => (v === null ? '(none)' : String(v))).join(' · '),
            count: g.count,
            href: huntViewHref({ ...view, q: g.drill }),
            title: `Drill down: ${g.drill}`,
          }))}
        />
      )}
    </section>
  );
}

// ---------- results ----------

const ROW_HEIGHT = 32;

/** The Time header's sort: the list's order by time (none when sorted by a field), a click turns it. */
function timeSort(view: HuntView): GridSort {
  const order = timeOrder(view.q);
  return {
    dir: order === 'asc' ? 'ascending' : order === 'desc' ? 'descending' : null,
    onSort: () => navigate(huntViewHref({ ...view, q: withTimeOrder(view.q, order === 'desc' ? 'asc' : 'desc') })),
    title: order === 'desc' ? 'Oldest first (| sort ts asc)' : 'Newest first',
  };
}

/** The records' columns; beside an open record the protocol goes and the others narrow. */
function recordColumns(withDetail: boolean, view: HuntView): GridColumn<EventRow>[] {
  const cols: (GridColumn<EventRow> & { narrow?: string })[] = [
    { key: 'ts', label: 'Time', width: '150px', narrow: '140px', className: 'num', cell: (r) => <Time iso={r.ts} />, sort: timeSort(view) },
    { key: 'type', label: 'Type', width: '84px', narrow: '76px', cell: (r) => <span className={`hu-type t-${r.event_type}`}>{eventTypeLabel(r.event_type)}</span> },
    { key: 'src', label: 'Source', width: 'minmax(120px, 1fr)', narrow: 'minmax(110px, 1fr)', className: 'mono ellipsis', cell: (r) => formatEndpoint(r.src_ip, r.src_port) ?? '—' },
    { key: 'dst', label: 'Destination', width: 'minmax(120px, 1fr)', narrow: 'minmax(110px, 1fr)', className: 'mono ellipsis', cell: (r) => formatEndpoint(r.dst_ip, r.dst_port) ?? '—' },
    { key: 'proto', label: 'Proto', width: '100px', className: 'faint ellipsis', cell: (r) => [r.proto, r.app_proto].filter(Boolean).join(' / ') || '—' },
    { key: 'summary', label: 'Summary', width: 'minmax(200px, 3fr)', narrow: 'minmax(160px, 2fr)', className: 'ellipsis hu-summary', cell: (r) => <RecordSummary row={r} /> },
  ];
  return withDetail ? cols.filter((c) => c.narrow).map((c) => ({ ...c, width: c.narrow! })) : cols;
}

/** A record's one-line summary; its names, addresses, URLs and hashes carry the value menu (a right-click: the row keeps the keyboard). */
function RecordSummary({ row }: { row: EventRow }) {
  return (
    <span title={recordSummary(row)}>
      {recordSummaryParts(row).map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <Value key={i} kind={p.kind} value={p.value} seen={row.ts} tabbable={false}>
            {p.value}
          </Value>
        ),
      )}
    </span>
  );
}

function ResultsGrid({ view }: { view: HuntView }) {
  const rows = useHunt((s) => s.rows);
  const next = useHunt((s) => s.next);
  const generation = useHunt((s) => s.generation);
  const selectedId = useHunt((s) => s.selectedId);
  const loadingMore = useHunt((s) => s.loadingMore);
  const moreError = useHunt((s) => s.moreError);
  const columns = useMemo(() => recordColumns(selectedId !== null, view), [selectedId !== null, view]);
  const onRange = useCallback(
    (_first: number, last: number) => {
      if (next && last >= rows.length - 30) useHunt.getState().loadMore();
    },
    [next, rows.length],
  );
  const footer =
    next || moreError ? (
      moreError ? (
        <>
          Could not load more: {moreError.describe()}{' '}
          <button type="button" className="button ghost small" onClick={() => useHunt.getState().loadMore()}>
            Retry
          </button>
        </>
      ) : loadingMore ? (
        'Loading more…'
      ) : (
        ''
      )
    ) : null;

  return (
    <VirtualGrid
      label="Records"
      testId="hunt-grid"
      rowTestId="hunt-row"
      columns={columns}
      rowHeight={ROW_HEIGHT}
      count={rows.length}
      rowAt={(i) => rows[i]}
      rowKey={(r) => String(r.id)}
      rowState={(r) => ({ selected: r.id === selectedId, data: { 'data-record-id': String(r.id) } })}
      footer={footer}
      complete={!next}
      onRange={onRange}
      resetKey={generation}
      onOpen={(r) => useHunt.getState().select(r.id)}
      onCursor={(r) => {
        if (useHunt.getState().selectedId !== null) useHunt.getState().select(r.id);
      }}
      onRowKey={(key) => {
        if (key !== 'Escape' || useHunt.getState().selectedId === null) return false;
        useHunt.getState().select(null);
        return true;
      }}
    />
  );
}

// ---------- one record ----------

/** A record's field value: a click adds field:value to the query; a pivot value also has the value menu. */
function NarrowLink({ field, value, view, seen }: { field: string; value: string | number; view: HuntView; seen: string }) {
  const link = (
    <a href={huntViewHref({ ...view, q: withTerm(view.q, field, value) })} title={`Add ${field}:${String(value)} to the query`}>
      {String(value)}
    </a>
  );
  const kind = VALUE_KIND[field];
  return kind ? (
    <Value kind={kind} value={String(value)} seen={seen}>
      {link}
    </Value>
  ) : (
    link
  );
}

/** The window of a record's hosts' pivot, either side of it. */
const HOSTS_PIVOT_MS = 5 * 60_000;

/**
 * From one record to what surrounds it, each a new hunt at the record's own time (not the view's
 * range): every record of its flow and of its connection on other sensors (a day either side),
 * and its hosts' records within five minutes.
 */
function RecordPivots({ record }: { record: EventDetail }) {
  const at = Date.parse(record.ts);
  const day = spanAround(at, at, HUNT_MARGIN_MS);
  const [first, ...more] = [record.src_ip, record.dst_ip].filter((ip): ip is string => ip !== null);
  const links = [
    ...(record.flow_id !== null ? [{ label: 'Its flow', q: withTerm('', 'flow_id', record.flow_id), span: day, testId: 'pivot-flow' }] : []),
    ...(record.community_id !== null ? [{ label: 'Its connection on every sensor', q: withTerm('', 'community_id', record.community_id), span: day, testId: 'pivot-community' }] : []),
    ...(first !== undefined ? [{ label: 'Its hosts ±5 min', q: hostQuery(first, ...more), span: spanAround(at, at, HOSTS_PIVOT_MS), testId: 'pivot-hosts' }] : []),
  ];
  if (links.length === 0) return null;
  return (
    <div className="hu-pivots" role="group" aria-label="Hunt around this record">
      <Crosshair size={12} aria-hidden="true" />
      {links.map((l) => (
        <a key={l.testId} className="button ghost small" href={huntHref(l.q, l.span)} title={l.q} data-testid={l.testId}>
          {l.label}
        </a>
      ))}
    </div>
  );
}

function RecordDetail({ view }: { view: HuntView }) {
  const id = useHunt((s) => s.selectedId);
  const detail = useHunt((s) => s.detail);
  const err = useHunt((s) => s.detailError);
  const [keeping, setKeeping] = useState(false);
  if (id === null) return null;
  const pretty = (() => {
    if (!detail) return '';
    // JSON.parse would round a 64-bit flow_id: such a line is shown as the sensor wrote it
    if (/[:[,]\s*-?\d{16,}/.test(detail.raw)) return detail.raw;
    try {
      return JSON.stringify(JSON.parse(detail.raw), null, 2);
    } catch {
      return detail.raw;
    }
  })();
  const facts: [string, string | number | null][] = detail
    ? [
        ['event_type', detail.event_type],
        ['sensor', detail.sensor],
        ['src_ip', detail.src_ip],
        ['src_port', detail.src_port],
        ['dst_ip', detail.dst_ip],
        ['dst_port', detail.dst_port],
        ['proto', detail.proto],
        ['app_proto', detail.app_proto],
        ['flow_id', detail.flow_id],
        ['community_id', detail.community_id],
        ...Object.entries(detail.summary),
      ]
    : [];
  return (
    <aside className="hu-detail" aria-label={`Record ${id}`} data-testid="hunt-detail">
      <header className="hu-detail-head">
        <h2 className="hu-panel-title">{detail ? `${eventTypeLabel(detail.event_type)} record` : 'Record'}</h2>
        {detail ? <Time iso={detail.ts} full /> : null}
        <button type="button" className="icon-button small" aria-label="Close the record" onClick={() => useHunt.getState().select(null)}>
          <X size={14} aria-hidden="true" />
        </button>
      </header>
      {err ? (
        <LoadFailed title="Could not load the record" message={err.describe()} headingLevel={3} iconSize={20} onRetry={() => (useHunt.getState().select(null), useHunt.getState().select(id))} />
      ) : !detail ? (
        <div className="hu-pad">
          <div className="skeleton hu-group-sk" />
          <div className="skeleton hu-group-sk" />
        </div>
      ) : (
        <>
          <div className="hu-detail-actions">
            <button type="button" className="button ghost small" onClick={() => setKeeping(true)} title="Keep a copy of this record with a case" data-testid="hunt-keep">
              <BriefcaseBusiness size={13} aria-hidden="true" /> Keep in case…
            </button>
          </div>
          <RecordPivots record={detail} />
          <dl className="hu-facts">
            {facts
              .filter(([, v]) => v !== null && v !== '')
              .map(([k, v]) => (
                <div key={k}>
                  <dt className="mono">{k}</dt>
                  <dd className="mono">
                    {HUNT_FIELD_NAMES.includes(k as never) ? <NarrowLink field={k} value={v!} view={view} seen={detail.ts} /> : String(v)}
                  </dd>
                </div>
              ))}
          </dl>
          <h3 className="hu-raw-title text-sm">Raw record{detail.file ? <span className="faint"> · {detail.file}{detail.offset !== null ? ` @ ${detail.offset}` : ''}</span> : null}</h3>
          <pre className="hu-raw mono" data-testid="hunt-raw">
            {pretty}
          </pre>
        </>
      )}
      {keeping && detail ? <KeepInCaseDialog recordIds={[detail.id]} suggestion={`${eventTypeLabel(detail.event_type)}: ${recordSummary(detail)}`.slice(0, 200)} onClose={() => setKeeping(false)} /> : null}
    </aside>
  );
}

// ---------- screen ----------

export function HuntScreen({ query }: { query: string }) {
  const view = useMemo(() => parseHuntQuery(query), [query]);
  const status = useHunt((s) => s.status);
  const error = useHunt((s) => s.error);
  const rows = useHunt((s) => s.rows.length);
  const selected = useHunt((s) => s.selectedId !== null);
  useEffect(() => useHunt.getState().run(view), [view]);

  return (
    <div className={`screen hunt-screen${selected ? ' with-detail' : ''}`}>
      <header className="screen-header">
        <h1 tabIndex={-1}>Hunt</h1>
        <p className="faint text-sm">Every sensor record (flow, DNS, HTTP, TLS, files, alerts, …), searched with field:value terms.</p>
      </header>
      <QueryBar view={view} />
      <div className="hu-top">
        <Histogram />
        <GroupBy view={view} />
      </div>
      <div className="hu-main">
        {status === 'error' && error ? (
          error.code === 'BAD_REQUEST' ? (
            <EmptyState icon={<Crosshair size={28} aria-hidden="true" />} title="The query does not parse" tone="error" role="alert">
              {error.describe()}
            </EmptyState>
          ) : (
            <LoadFailed title="Could not run the hunt" message={error.describe()} onRetry={() => useHunt.getState().run(view, true)} />
          )
        ) : status === 'ready' && rows === 0 ? (
          <EmptyState icon={<Crosshair size={28} aria-hidden="true" />} title="No records match">
            <p>Widen the time range, drop a term, or start from one of these:</p>
            <ul className="hu-examples">
              {EXAMPLES.map((q) => (
                <li key={q}>
                  <a className="mono" href={huntViewHref({ ...view, q })}>
                    {q}
                  </a>
                </li>
              ))}
            </ul>
          </EmptyState>
        ) : status === 'loading' ? (
          <div className="hu-pad" aria-busy="true">
            <span className="visually-hidden" role="status">
              Hunting…
            </span>
            {Array.from({ length: 10 }, (_, i) => (
              <div key={i} className="skeleton hu-row-sk" />
            ))}
          </div>
        ) : (
          <ResultsGrid view={view} />
        )}
        <RecordDetail view={view} />
      </div>
    </div>
  );
}
