import '../../components/charts/charts.css';
import '../../components/dialog.css';
import './settings.css';
import { Archive, Check, CircleAlert, Globe, LoaderCircle, Radar, RefreshCw, RotateCcw, TriangleAlert, UserRound, Zap } from 'lucide-react';
import { useEffect, type FormEvent, type ReactNode } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { localZoneName } from '../../lib/format.js';
import { useSettings } from '../../stores/settings.js';
import { ChoiceField, focusField, IntField, SeverityField, SwitchField, TextField } from './fields.js';
import { useSettingsForm } from './form.js';
import { LABELS, roughly, sectionState, type SectionId } from './model.js';

/** How long the "Saved" confirmation stays. */
const SAVED_MS = 4000;

const TITLES: Record<SectionId, string> = {
  analyst: 'Analyst',
  detection: 'Detection',
  geo: 'Geo enrichment',
  retention: 'Retention',
};

const ICONS: Record<SectionId, ReactNode> = {
  analyst: <UserRound size={15} />,
  detection: <Radar size={15} />,
  geo: <Globe size={15} />,
  retention: <Archive size={15} />,
};

function list(keys: readonly string[]): string {
  if (keys.length <= 1) return keys.join('');
  return `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`;
}

function SaveStatus({ id, dirty, errors }: { id: SectionId; dirty: boolean; errors: number }) {
  const savedAt = useSettingsForm((s) => s.sections[id].savedAt);
  const saving = useSettingsForm((s) => s.sections[id].saving);
  useEffect(() => {
    if (savedAt === null) return;
    const t = setTimeout(() => useSettingsForm.getState().clearSaved(id), SAVED_MS);
    return () => clearTimeout(t);
  }, [id, savedAt]);
  let content: ReactNode = null;
  if (saving) content = <span className="set-status-busy">Saving…</span>;
  else if (errors > 0)
    content = (
      <span className="set-status-bad">
        <CircleAlert size={13} aria-hidden="true" />
        Not saved: fix the highlighted {errors > 1 ? 'fields' : 'field'}
      </span>
    );
  else if (savedAt !== null)
    content = (
      <span className="set-status-ok" data-testid={`settings-${id}-saved`}>
        <Check size={14} aria-hidden="true" />
        Saved
      </span>
    );
  else if (dirty) content = <span className="set-status-dirty">Unsaved changes</span>;
  return (
    <span className="set-status" role="status">
      {content}
    </span>
  );
}

interface SectionProps {
  id: SectionId;
  intro: ReactNode;
  /** Next to the title. */
  badge?: ReactNode;
  /** Left of the buttons: when the change takes effect. */
  note: ReactNode;
  children: ReactNode;
}

/** One panel, one form: its own Save and Reset, inline errors, "Saved", "Changed elsewhere". */
function Section({ id, intro, badge, note, children }: SectionProps) {
  const saved = useSettings((s) => s.settings)!;
  const form = useSettingsForm((s) => s.sections[id]);
  const { dirty, conflicts } = sectionState(id, saved, form.edits);
  const invalid = Object.keys(form.errors).length > 0;
  const title = TITLES[id];
  const canReset = dirty.length > 0 || invalid || form.formError !== null;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void useSettingsForm
      .getState()
      .save(id)
      .then((r) => {
        if (!r.ok && r.focus) focusField(r.focus);
      });
  };

  return (
    <Panel title={title} subtitle={badge} icon={ICONS[id]} className={`set-panel set-panel-${id}`} testId={`settings-${id}`}>
      <form className="set-form" noValidate aria-label={`${title} settings`} onSubmit={onSubmit}>
        {conflicts.length > 0 ? (
          <div className="ui-callout set-callout-warn" role="status" data-testid={`settings-${id}-conflict`}>
            <TriangleAlert size={14} aria-hidden="true" />
            <span>
              <strong>Changed elsewhere</strong> — {list(conflicts.map((k) => LABELS[k]))} {conflicts.length === 1 ? 'was' : 'were'} saved from another window
              or the CLI while you were editing.{' '}
              <button type="button" className="link-button" onClick={() => useSettingsForm.getState().reset(id)}>
                Reload
              </button>{' '}
              to see the saved values, or save to replace them.
            </span>
          </div>
        ) : null}
        <p className="set-intro">{intro}</p>
        <div className="set-rows">{children}</div>
        {form.formError ? (
          <div className="inline-error set-form-error" role="alert" data-testid={`settings-${id}-error`}>
            <CircleAlert size={14} aria-hidden="true" />
            <div className="inline-error-body">
              {form.formError.message}
              {form.formError.issues.length > 0 ? (
                <ul className="issue-list">
                  {form.formError.issues.map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        ) : null}
        <div className={`set-bar${dirty.length > 0 ? ' dirty' : ''}`}>
          <span className="set-bar-note">{note}</span>
          <SaveStatus id={id} dirty={dirty.length > 0} errors={Object.keys(form.errors).length} />
          <button
            type="button"
            className="button ghost"
            disabled={!canReset || form.saving}
            onClick={() => useSettingsForm.getState().reset(id)}
            title="Discard your edits in this section"
          >
            <RotateCcw size={13} aria-hidden="true" />
            Reset
          </button>
          <button type="submit" className="button primary" disabled={dirty.length === 0 || form.saving} data-testid={`settings-${id}-save`}>
            {form.saving ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : null}
            Save
          </button>
        </div>
      </form>
    </Panel>
  );
}

function durationHint(seconds: number): string | null {
  if (seconds < 60) return null;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

function minutesHint(minutes: number): string | null {
  if (minutes < 60) return null;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function daysHint(days: number): string | null {
  if (days < 60) return null;
  const years = days / 365;
  return years >= 1 ? `about ${+years.toFixed(1)} year${years >= 1.05 ? 's' : ''}` : `about ${Math.round(days / 30)} months`;
}

function AnalystSection() {
  return (
    <Section
      id="analyst"
      intro="Who you are in the audit log, and how this console behaves for you."
      note="Applies at once, in every open window."
    >
      <TextField
        section="analyst"
        k="analystName"
        placeholder="analyst"
        description="Written to the audit log with every action taken in this console: triage, notes, suppressions and settings changes."
      />
      <SwitchField
        section="analyst"
        k="requireNoteOnClose"
        onLabel="Required"
        offLabel="Optional"
        description="Resolving an alert or marking it a false positive asks for a note saying why."
      />
      <ChoiceField
        section="analyst"
        k="theme"
        description="Also switchable from the sun / moon button in the header."
        choices={[
          { value: 'dark', label: 'Dark' },
          { value: 'light', label: 'Light' },
        ]}
      />
      <ChoiceField
        section="analyst"
        k="timeZone"
        description="How the console shows times; full times and column headers name the zone. The command line always prints UTC."
        choices={[
          { value: 'local', label: `This computer (${localZoneName()})` },
          { value: 'utc', label: 'UTC' },
        ]}
      />
      <SwitchField
        section="analyst"
        k="doNotDisturb"
        onLabel="On"
        offLabel="Off"
        description="Silences toasts and desktop notifications for new P1 and P2 alerts. Alerts are still raised and queued."
      />
      <IntField section="analyst" k="alertsPageSize" description="How many alerts the Alerts table loads at a time." />
    </Section>
  );
}

function DetectionSection() {
  return (
    <Section
      id="detection"
      badge={
        <span className="set-badge">
          <Zap size={12} aria-hidden="true" />
          Applies to new events immediately
        </span>
      }
      intro="What raises an alert. Saving rebuilds the pipeline between two batches; alerts already raised are not re-evaluated."
      note="New events use these values as soon as they are saved."
    >
      <SeverityField section="detection" description="Events at or above this severity raise an alert; events below it are kept as raw events only." />
      <IntField
        section="detection"
        k="groupWindowMinutes"
        extra={minutesHint}
        description="The same rule between the same source and destination (for Wazuh, on the same agent) within this window of an alert's first or last occurrence updates that alert (its count grows) instead of opening another."
      />
      <h3 className="subhead set-subhead">Correlation thresholds</h3>
      <p className="set-subintro">Counted per source address over the correlation window; reaching one raises the alert.</p>
      <IntField section="detection" k="bruteForceFailures" description="Failed logins from one source." />
      <IntField section="detection" k="portScanPorts" description="Distinct destination ports one source probes." />
      <IntField section="detection" k="floodEventsPerSecond" description="Events per second from one source (denial of service)." />
      <IntField section="detection" k="sprayingUsers" description="Distinct user names one source tries to log in as." />
      <IntField section="detection" k="correlationWindowSeconds" extra={durationHint} description="The sliding window the thresholds above are counted over." />
    </Section>
  );
}

function GeoSection() {
  return (
    <Section
      id="geo"
      intro={
        <>
          Country, city and network owner (ASN) of alert addresses come from MaxMind-format <code>.mmdb</code> files: GeoLite2 or DB-IP Lite.{' '}
          <strong>Nothing is downloaded</strong> and no geo service is contacted: copy the files onto this machine and give their paths here. An empty path
          turns that lookup off.
        </>
      }
      note="New events are enriched with the new files as soon as they are saved."
    >
      <TextField
        section="geo"
        k="geoCityDb"
        mono
        clearable
        placeholder="/path/to/GeoLite2-City.mmdb"
        description="GeoLite2-City or dbip-city-lite: city, coordinates and country."
      />
      <TextField
        section="geo"
        k="geoCountryDb"
        mono
        clearable
        placeholder="/path/to/GeoLite2-Country.mmdb"
        description="GeoLite2-Country or dbip-country-lite: the country, when there is no city database or it has none for an address."
      />
      <TextField
        section="geo"
        k="geoAsnDb"
        mono
        clearable
        placeholder="/path/to/GeoLite2-ASN.mmdb"
        description="GeoLite2-ASN or dbip-asn-lite: the autonomous system and organisation an address belongs to."
      />
    </Section>
  );
}

function RetentionSection() {
  return (
    <Section
      id="retention"
      intro="Raw events behind the alerts, and sensor records (flow, DNS, HTTP, TLS, ...) kept for hunting. Older ones are pruned in small batches in the background, whichever limit is reached first; alerts are kept."
      note="The next pruning pass (every 30 s) uses the new limits."
    >
      <IntField section="retention" k="eventRetentionDays" extra={daysHint} description="Raw events older than this are deleted." />
      <IntField
        section="retention"
        k="eventRetentionMaxRows"
        extra={(n) => roughly(n)}
        description="When there are more raw events than this, the oldest go first."
      />
      <IntField section="retention" k="recordRetentionDays" extra={daysHint} description="Sensor records (flow, DNS, HTTP, TLS, files, ...) older than this are deleted." />
      <IntField section="retention" k="recordRetentionMaxGb" description="When the database grows past this, the oldest sensor records go first." />
    </Section>
  );
}

function LoadingSections() {
  return (
    <div className="set-sections" aria-busy="true" data-testid="settings-loading">
      {(['analyst', 'detection', 'geo', 'retention'] as const).map((id, i) => (
        <Panel key={id} title={TITLES[id]} icon={ICONS[id]} className="set-panel">
          <PanelSkeleton rows={[5, 7, 3, 4][i]} />
        </Panel>
      ))}
      <span className="visually-hidden" role="status">
        Loading settings…
      </span>
    </div>
  );
}

export function SettingsScreen() {
  const loaded = useSettings((s) => s.settings !== null);
  const error = useSettings((s) => s.error);
  const loading = useSettings((s) => s.loading);

  let body: ReactNode;
  if (loaded) {
    body = (
      <div className="set-sections">
        <AnalystSection />
        <DetectionSection />
        <GeoSection />
        <RetentionSection />
      </div>
    );
  } else if (error) {
    body = (
      <EmptyState
        icon={<CircleAlert size={24} />}
        title="Settings could not be loaded"
        tone="error"
        role="alert"
        actions={
          <button type="button" className="button" disabled={loading} onClick={() => void useSettings.getState().load()}>
            {loading ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <RefreshCw size={14} aria-hidden="true" />}
            Try again
          </button>
        }
      >
        <p>{error}</p>
        <p>Nothing was changed. Check the connection in the header, then try again.</p>
      </EmptyState>
    );
  } else {
    body = <LoadingSections />;
  }

  return (
    <div className="screen settings-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Settings</h1>
          <p className="screen-lede">How this console behaves, what raises an alert, where geo data comes from and how long raw events are kept. Each section saves on its own.</p>
        </div>
      </div>
      {body}
    </div>
  );
}
