// The four dashboards' WebSocket clients, replayed with the `ws` package: how each one connects,
// reconnects and leaks, and what its code does with the frames it receives (the comparisons and
// mappings it makes), so the feed is tested against their behaviour rather than our reading of it.
// Each class cites the file it follows. Browser-only parts are reduced to what matters here: React's
// render cycle to "a state change re-renders; an effect whose dependencies changed runs again after
// its cleanup", and timers to setTimeout scaled by `timeScale` (1 = the clients' real delays).
import { WebSocket } from 'ws';

export interface ClientOptions {
  /** Source address of the client's sockets (127.0.0.0/8 all reach a 127.0.0.1 listener). */
  localAddress?: string;
  /** Multiplies the clients' own delays (reconnect backoff): tests run them faster. */
  timeScale?: number;
}

type Json = Record<string, unknown>;

function parse(data: unknown): Json | null {
  try {
    const v: unknown = JSON.parse(String(data));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

/** Every socket a client opened, whatever became of it (what the server sees as its connections). */
abstract class Recorder {
  readonly sockets: WebSocket[] = [];
  /** Sockets the server refused before the upgrade, by HTTP status. */
  readonly refused: number[] = [];
  protected stopped = false;

  constructor(protected readonly opts: ClientOptions) {}

  protected open(url: string, protocols?: string[]): WebSocket {
    const ws = new WebSocket(url, protocols, this.opts.localAddress ? { localAddress: this.opts.localAddress } : {});
    ws.on('unexpected-response', (_req, res) => {
      this.refused.push(res.statusCode ?? 0);
      res.resume();
      // a browser reports this as error + close 1006
      ws.emit('error', new Error(`HTTP ${res.statusCode}`));
      ws.emit('close', 1006, Buffer.alloc(0));
    });
    ws.on('error', () => {});
    this.sockets.push(ws);
    return ws;
  }

  protected later(fn: () => void, ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (!this.stopped) fn();
    }, ms * (this.opts.timeScale ?? 1));
  }

  /** Sockets open now. */
  get openSockets(): number {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  /** Unmounts the page / closes the tab: every socket goes, leaked ones included. */
  stop(): void {
    this.stopped = true;
    for (const s of this.sockets) s.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Aegis: Areej-zeb/Aegis-Enterprise-Threat-Detection-and-Security-Advisory
//   frontend_react/src/hooks/useWebSocketAlerts.ts and frontend_react/src/pages/LiveAlertsPage.jsx

export interface AegisAlert {
  id: string;
  severity: string;
  attack_type?: string;
  status?: string;
  timestamp?: string;
  [k: string]: unknown;
}

/**
 * One browser tab on LiveAlertsPage. The page passes an inline `onError` to useWebSocketAlerts,
 * so the hook's `connect` (a useCallback over onError and reconnectAttempts) is a new function on
 * every render and the effect [enabled, connect, disconnect] runs again each time: disconnect()
 * then connect(). A closing socket's onclose sets `wsRef.current = null` whatever socket the ref
 * holds by then, so the next disconnect() cannot close the live one: it leaks. Each alert received
 * re-renders the page (setLastAlert, setAlerts, setToastAlert), hence a socket per alert.
 */
export class AegisTab extends Recorder {
  /** The page's `alerts` state: newest first, one per id (handleNewAlert). */
  alerts: AegisAlert[] = [];
  toasts = 0;
  private wsRef: WebSocket | null = null;
  private reconnectTimeout: NodeJS.Timeout | null = null;
  private shouldReconnect = true;
  private reconnectAttempts = 0;
  private isConnected = false;
  private renderQueued = false;
  private mounted = false;
  private readonly reconnectInterval = 3000;
  private readonly maxReconnectAttempts = 10;

  constructor(
    private readonly base: string,
    opts: ClientOptions = {},
  ) {
    super(opts);
  }

  start(): this {
    this.render();
    return this;
  }

  /** LiveAlertsPage's filter: `severityFilter === "all" || alert.severity === severityFilter`. */
  shown(severityFilter: 'all' | 'low' | 'medium' | 'high' | 'critical'): AegisAlert[] {
    return this.alerts.filter((a) => severityFilter === 'all' || a.severity === severityFilter);
  }

  /** A state change: React re-renders once per batch, and only when the value changed. */
  private setState(change: () => boolean): void {
    if (!change() || this.renderQueued) return;
    this.renderQueued = true;
    setImmediate(() => {
      this.renderQueued = false;
      if (!this.stopped) this.render();
    });
  }

  private render(): void {
    // a new `connect` every render (inline onError): the effect's cleanup runs, then the effect
    if (this.mounted) this.disconnect();
    this.mounted = true;
    this.shouldReconnect = true;
    this.makeConnect(this.reconnectAttempts)();
  }

  private disconnect(): void {
    this.shouldReconnect = false;
    if (this.reconnectTimeout) clearTimeout(this.reconnectTimeout);
    this.reconnectTimeout = null;
    if (this.wsRef) {
      this.wsRef.close();
      this.wsRef = null;
    }
    this.setState(() => this.isConnected !== (this.isConnected = false));
  }

  /** The hook's `connect` as created by one render (it closes over that render's reconnectAttempts). */
  private makeConnect(attemptsAtRender: number): () => void {
    const connect = () => {
      if (this.wsRef?.readyState === WebSocket.OPEN) return;
      const ws = this.open(`${this.base}/ws/detection/live`);
      this.wsRef = ws;
      ws.on('open', () => {
        this.setState(() => this.isConnected !== (this.isConnected = true));
        this.setState(() => this.reconnectAttempts !== (this.reconnectAttempts = 0));
      });
      ws.on('message', (data) => {
        const alert = parse(data) as AegisAlert | null;
        if (!alert) return;
        // setLastAlert(alert) + onAlert(alert): handleNewAlert keeps one alert per id, newest first
        this.setState(() => {
          this.alerts = [alert, ...this.alerts.filter((a) => a.id !== alert.id)].slice(0, 100);
          this.toasts++;
          return true;
        });
      });
      ws.on('close', () => {
        this.setState(() => this.isConnected !== (this.isConnected = false));
        this.wsRef = null;
        if (this.shouldReconnect && attemptsAtRender < this.maxReconnectAttempts) {
          this.reconnectTimeout = this.later(() => {
            this.setState(() => {
              this.reconnectAttempts++;
              return true;
            });
            connect();
          }, this.reconnectInterval);
        }
      });
    };
    return connect;
  }
}

// ---------------------------------------------------------------------------------------------
// ThreatStream: iqbalerani/ThreatStream
//   services/websocketService.ts (connection), backendTypes.ts (enums), typeMappers.ts (mapping),
//   App.tsx (what it does with each message type)

/** backendTypes.ts BackendThreatType */
export const BACKEND_THREAT_TYPES = ['MALWARE', 'PHISHING', 'DDOS', 'BRUTE_FORCE', 'DATA_EXFILTRATION', 'RANSOMWARE', 'AUTHENTICATION', 'NETWORK_ANOMALY', 'SUSPICIOUS_ACTIVITY'];
/** backendTypes.ts BackendIPZone */
export const BACKEND_IP_ZONES = ['HOSTILE_ZONE', 'EXTERNAL_NETWORK', 'INTERNAL_NETWORK', 'TRUSTED_PARTNER', 'UNKNOWN'];
/** backendTypes.ts BackendAlertStatus */
export const BACKEND_ALERT_STATUSES = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'RESOLVED', 'FALSE_POSITIVE'];

/** typeMappers.ts COUNTRY_COORDS */
const COUNTRY_COORDS: Record<string, [number, number]> = {
  US: [37.0902, -95.7129],
  CN: [35.8617, 104.1954],
  RU: [61.524, 105.3188],
  DE: [51.1657, 10.4515],
  GB: [55.3781, -3.436],
  IN: [20.5937, 78.9629],
  BR: [-14.235, -51.9253],
  KP: [40.3399, 127.5101],
  IR: [32.4279, 53.688],
};

/** typeMappers.ts mapBackendThreatTypeToEventType */
function eventTypeOf(t: unknown): string {
  switch (t) {
    case 'BRUTE_FORCE':
      return 'Brute Force';
    case 'DDOS':
      return 'DDoS Attack';
    case 'RANSOMWARE':
      return 'Ransomware Signal';
    case 'PHISHING':
    case 'MALWARE':
      return 'File Access';
    case 'AUTHENTICATION':
      return 'Authentication';
    case 'NETWORK_ANOMALY':
      return 'Firewall Event';
    case 'DATA_EXFILTRATION':
      return 'API Request';
    default:
      return 'API Request';
  }
}

/** What typeMappers.ts mapBackendThreatToSecurityEvent makes of a threat (the fields that depend on our data). */
export interface ThreatStreamEvent {
  id: string;
  type: string;
  severity: string;
  country: string;
  coordinates: [number, number];
  mitre: unknown;
  raw: Json;
}

function securityEventOf(threat: Json): ThreatStreamEvent {
  const code = threat['source_country_code'] as string | undefined;
  return {
    id: String(threat['id']),
    type: eventTypeOf(threat['threat_type']),
    severity: String(threat['severity']).toLowerCase(),
    country: (code || (threat['source_country'] as string | undefined) || 'Unknown') as string,
    coordinates: code ? (COUNTRY_COORDS[code] ?? [0, 0]) : [0, 0],
    mitre: threat['mitre_attack_id'],
    raw: threat,
  };
}

/**
 * ThreatStreamWebSocket + App.tsx: sends {type:"handshake", epoch} once connected, drops heartbeat
 * frames, reconnects after 3 s x 2^(n-1) up to 5 times unless closed by hand; App keeps up to 50
 * events (deduplicated by id), the risk value, and logs new_alert; other types fall through its switch.
 */
export class ThreatStreamDashboard extends Recorder {
  events: ThreatStreamEvent[] = [];
  riskScore = 12;
  /** Every message handed to App's handlers (heartbeats are dropped before). */
  readonly messages: Json[] = [];
  private ws: WebSocket | null = null;
  private reconnectAttempts = 0;
  private isManualClose = false;
  private readonly waiters: { pred: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];

  constructor(
    private readonly url: string,
    opts: ClientOptions = {},
    private readonly epoch = Date.now(),
  ) {
    super(opts);
  }

  connect(): this {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) return this;
    this.isManualClose = false;
    const ws = this.open(this.url);
    this.ws = ws;
    ws.on('open', () => {
      this.reconnectAttempts = 0;
      // App: on status "connected", ws.sendHandshake(scenarioId)
      ws.send(JSON.stringify({ type: 'handshake', epoch: this.epoch }));
    });
    ws.on('message', (data) => {
      const message = parse(data);
      if (!message || message['type'] === 'heartbeat') return;
      this.messages.push(message);
      this.handle(message);
      for (const w of this.waiters.splice(0)) {
        if (w.pred(message)) w.resolve(message);
        else this.waiters.push(w);
      }
    });
    ws.on('close', () => {
      if (!this.isManualClose) this.attemptReconnect();
    });
    return this;
  }

  private attemptReconnect(): void {
    if (this.reconnectAttempts >= 5) return;
    this.reconnectAttempts++;
    this.later(() => this.connect(), 3000 * 2 ** (this.reconnectAttempts - 1));
  }

  /** App.tsx's switch over message.type. */
  private handle(message: Json): void {
    const data = message['data'] as Json | undefined;
    switch (message['type']) {
      case 'initial_state':
        this.events = ((data?.['threats'] as Json[] | undefined) ?? []).map(securityEventOf).slice(0, 50);
        if (data?.['risk_index']) this.riskScore = (data['risk_index'] as Json)['value'] as number;
        break;
      case 'new_threat': {
        const ev = securityEventOf(data ?? {});
        if (!this.events.some((e) => e.id === ev.id)) this.events = [ev, ...this.events].slice(0, 50);
        if (data?.['risk_score']) this.riskScore = data['risk_score'] as number;
        break;
      }
      case 'risk_update':
        this.riskScore = (data?.['value'] as number) ?? this.riskScore;
        break;
      default:
        // new_alert is only logged; unknown types fall through
        break;
    }
  }

  next(pred: (m: Json) => boolean, timeoutMs = 5000): Promise<Json> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ThreatStream: no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  disconnect(): void {
    this.isManualClose = true;
    this.ws?.close();
    this.ws = null;
  }
}

// ---------------------------------------------------------------------------------------------
// BlueWall: gorlepavan/bluewall  frontend/src/hooks/useWebSocket.js

/**
 * useWebSocket(url, token): `${url}?token=${token}` (raw); acts on type "security_alert" only,
 * keeping `{id: Date.now() + Math.random(), ...data.alert, timestamp}` (100 at most); reconnects
 * when the close code is not 1000 after min(1000 x 2^n, 10000) ms, at most 5 times, and onopen
 * resets the count (so a socket that opens and is then closed keeps it reconnecting forever).
 */
export class BlueWallDashboard extends Recorder {
  alerts: Json[] = [];
  /** Connection attempts made (the first one included). */
  attempts = 0;
  gaveUp = false;
  private ws: WebSocket | null = null;
  private reconnectAttempts = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
    opts: ClientOptions = {},
  ) {
    super(opts);
  }

  connect(): this {
    if (this.ws?.readyState === WebSocket.OPEN) return this;
    this.attempts++;
    const ws = this.open(this.token ? `${this.url}?token=${this.token}` : this.url);
    this.ws = ws;
    ws.on('open', () => {
      this.reconnectAttempts = 0;
    });
    ws.on('message', (data) => {
      const msg = parse(data);
      if (msg?.['type'] === 'security_alert') {
        this.alerts = [{ id: Date.now() + Math.random(), ...(msg['alert'] as Json), timestamp: new Date().toISOString() }, ...this.alerts.slice(0, 99)];
      }
    });
    ws.on('close', (code: number) => {
      if (code !== 1000 && this.reconnectAttempts < 5) {
        const delay = Math.min(1000 * 2 ** this.reconnectAttempts, 10_000);
        this.later(() => {
          this.reconnectAttempts++;
          this.connect();
        }, delay);
      } else if (code !== 1000) this.gaveUp = true;
    });
    return this;
  }
}

// ---------------------------------------------------------------------------------------------
// IPS Security Center: ChristianUhlander/blue-core-nexus
//   src/services/k8sSecurityApi.ts (the socket: `ws://localhost:3001/ws`, no token; each message is
//   dispatched as the window event `security:${message.type}`; reconnect 2^n s, 5 times) and
//   src/hooks/useRealTimeSecurityData.ts (`security:alert` prepends `detail.data` as a SecurityAlert,
//   toasts critical/high; acknowledgeAlert maps by `alert.id`)

export class IpsDashboard extends Recorder {
  alerts: Json[] = [];
  toasts: string[] = [];
  /** Window events dispatched, by name. */
  readonly events: string[] = [];
  private reconnectAttempts = 0;

  constructor(
    private readonly url: string,
    opts: ClientOptions = {},
  ) {
    super(opts);
  }

  connect(): this {
    const ws = this.open(this.url);
    ws.on('open', () => {
      this.reconnectAttempts = 0;
    });
    ws.on('message', (data) => {
      const message = parse(data);
      if (!message) return;
      this.events.push(`security:${String(message['type'])}`);
      if (message['type'] !== 'alert') return;
      const alert = message['data'] as Json;
      this.alerts = [alert, ...this.alerts].slice(0, 100);
      if (['critical', 'high'].includes(alert['severity'] as string)) this.toasts.push(`${String(alert['severity']).toUpperCase()} Alert: ${String(alert['title'])}`);
    });
    ws.on('close', () => {
      if (this.reconnectAttempts < 5) {
        this.later(() => {
          this.reconnectAttempts++;
          this.connect();
        }, 2 ** this.reconnectAttempts * 1000);
      }
    });
    return this;
  }

  /** getServiceStats().criticalAlerts */
  get criticalAlerts(): number {
    return this.alerts.filter((a) => a['severity'] === 'critical').length;
  }
}
