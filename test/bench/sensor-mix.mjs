// A realistic Suricata sensor mix for the record-store bench: what a sensor on a busy office uplink
// writes. About 45% flow, 25% dns, 12% tls, 10% http, 4% fileinfo, 2% netflow, 1% anomaly, 1% alert.
// Application records share their flow's flow_id and community_id; flow ids are full 64-bit values.
// Cardinalities: 800 internal clients (10.0.0.0/16, heavy-tailed activity), 40 internal servers,
// 30,000 external addresses, 6,000 domains (Zipf-like), 300 user agents, 2 sensors. Seeded: the same
// arguments give the same lines.
import crypto from 'node:crypto';

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TLDS = ['com', 'net', 'org', 'io', 'de', 'ru', 'cn', 'co.uk', 'fr', 'info'];
const WORDS = ['cloud', 'api', 'cdn', 'update', 'static', 'mail', 'login', 'shop', 'news', 'img', 'data', 'sync', 'video', 'ads', 'track', 'auth', 'files', 'portal', 'app', 'edge'];
const UAS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/', 'Microsoft-CryptoAPI/10.0', 'curl/8.', 'python-requests/2.', 'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/'];
const MAGIC = ['PE32 executable (GUI) Intel 80386, for MS Windows', 'PDF document, version 1.7', 'JPEG image data, JFIF standard 1.01', 'HTML document, ASCII text', 'Zip archive data, at least v2.0 to extract', 'PNG image data, 1200 x 800, 8-bit/color RGBA, non-interlaced'];
const SIGS = [
  [2013028, 'ET POLICY curl User-Agent Outbound', 'Attempted Information Leak', 2],
  [2027865, 'ET INFO Observed DNS Query to .cloud TLD', 'Potentially Bad Traffic', 2],
  [2010935, 'ET SCAN Suspicious inbound to MSSQL port 1433', 'Potentially Bad Traffic', 2],
  [2024897, 'ET USER_AGENTS Go HTTP Client User-Agent', 'Attempted Information Leak', 3],
  [2019401, 'ET POLICY Vulnerable Java Version 1.8.x Detected', 'Potentially Bad Traffic', 2],
  [2008578, 'ET SCAN Sipvicious Scan', 'Attempted Information Leak', 2],
  [2001219, 'ET SCAN Potential SSH Scan', 'Attempted Information Leak', 2],
  [2034567, 'ET MALWARE Cobalt Strike Beacon Observed', 'A Network Trojan was detected', 1],
];
const ANOMALIES = [['decode', 'decoder.ipv4.trunc_pkt'], ['stream', 'stream.pkt_invalid_timestamp'], ['applayer', 'APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION'], ['stream', 'stream.3whs_synack_with_wrong_ack']];

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

/** EVE timestamp: microseconds, +0000. */
function eveTs(ms, micros) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}+0000`;
}

/**
 * Yields arrays of lines (no newline), `count` in all, over [startMs, startMs + spanMs) in time order.
 * @param {{count: number, seed?: number, startMs: number, spanMs: number, chunk?: number}} o
 */
export function* sensorMix(o) {
  const rnd = mulberry32(o.seed ?? 7);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (a) => a[int(a.length)];
  // heavy-tailed: low indexes are far more likely
  const zipf = (n) => Math.min(n - 1, Math.floor(n * Math.pow(rnd(), 2.2)));
  const clients = Array.from({ length: 800 }, (_, i) => `10.0.${i >> 8}.${(i & 255) + 1}`);
  const servers = Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 10}`);
  const external = Array.from({ length: 30000 }, () => `${1 + int(222)}.${int(256)}.${int(256)}.${1 + int(254)}`);
  const domains = Array.from({ length: 6000 }, () => `${pick(WORDS)}${int(100)}.${pick(WORDS)}-${int(1000)}.${pick(TLDS)}`);
  const uas = Array.from({ length: 300 }, () => `${pick(UAS)}${int(130)}.0.${int(9999)}.${int(200)}`);
  const hashes = Array.from({ length: 2000 }, () => crypto.createHash('sha256').update(String(rnd())).digest('hex'));
  const ja3 = Array.from({ length: 200 }, () => crypto.createHash('md5').update(String(rnd())).digest('hex'));
  const sensors = ['sensor-hq', 'sensor-dmz'];
  const chunk = o.chunk ?? 10000;
  const step = o.spanMs / o.count;
  // recent flows: application records, alerts and the flow record of one connection share its ids
  const recent = [];
  let out = [];
  for (let i = 0; i < o.count; i++) {
    const ms = Math.floor(o.startMs + i * step);
    const ts = eveTs(ms, int(1000));
    const flowId = (BigInt(1 + int(2 ** 31)) * 4294967296n + BigInt(int(2 ** 32))).toString();
    const cid = `1:${crypto.createHash('sha1').update(flowId).digest('base64')}`;
    const client = clients[zipf(clients.length)];
    const inbound = rnd() < 0.08;
    const remote = rnd() < 0.7 ? external[zipf(external.length)] : servers[int(servers.length)];
    const sport = 1024 + int(64000);
    const host = sensors[rnd() < 0.75 ? 0 : 1];
    const r = rnd();
    let type;
    if (r < 0.45) type = 'flow';
    else if (r < 0.7) type = 'dns';
    else if (r < 0.82) type = 'tls';
    else if (r < 0.92) type = 'http';
    else if (r < 0.96) type = 'fileinfo';
    else if (r < 0.98) type = 'netflow';
    else if (r < 0.99) type = 'anomaly';
    else type = 'alert';
    const dns = type === 'dns';
    const proto = dns || (type === 'flow' && rnd() < 0.3) ? 'UDP' : 'TCP';
    const dport = dns ? 53 : type === 'http' ? 80 : type === 'tls' ? 443 : pick([443, 80, 443, 22, 3389, 445, 8080, 443]);
    let [src, dst, sp, dp] = inbound ? [remote, client, sport, dport] : [client, dns ? '10.1.0.10' : remote, sport, dport];
    let fid = flowId;
    let cidv = cid;
    if (recent.length > 0 && rnd() < 0.4) {
      const f = recent[int(recent.length)];
      [src, dst, sp, dp, fid, cidv] = [f.src, f.dst, f.sp, f.dp, f.fid, f.cid];
    } else if (recent.length < 256) recent.push({ src, dst, sp, dp, fid, cid: cidv });
    else recent[int(256)] = { src, dst, sp, dp, fid, cid: cidv };
    const app = dns ? 'dns' : type === 'http' || type === 'fileinfo' ? 'http' : type === 'tls' ? 'tls' : dport === 443 ? 'tls' : dport === 80 ? 'http' : null;
    let head = `{"timestamp":"${ts}","flow_id":${fid},"in_iface":"eth1","event_type":"${type}","src_ip":"${src}","src_port":${sp},"dest_ip":"${dst}","dest_port":${dp},"proto":"${proto}"`;
    if (app && type !== 'netflow') head += `,"app_proto":"${app}"`;
    head += `,"community_id":"${cidv}"`;
    const domain = domains[zipf(domains.length)];
    let body;
    switch (type) {
      case 'flow': {
        const pts = 1 + int(200);
        const ptc = 1 + int(400);
        const start = eveTs(ms - int(120000), int(1000));
        body = `"flow":{"pkts_toserver":${pts},"pkts_toclient":${ptc},"bytes_toserver":${pts * (60 + int(900))},"bytes_toclient":${ptc * (60 + int(1400))},"start":"${start}","end":"${ts}","age":${int(120)},"state":"${pick(['closed', 'established', 'new', 'closed'])}","reason":"${pick(['timeout', 'timeout', 'shutdown'])}","alerted":false},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}`;
        break;
      }
      case 'netflow':
        body = `"netflow":{"pkts":${1 + int(300)},"bytes":${60 + int(400000)},"start":"${eveTs(ms - int(60000), int(1000))}","end":"${ts}","age":${int(60)},"min_ttl":${50 + int(14)},"max_ttl":64}`;
        break;
      case 'dns': {
        const rrtype = pick(['A', 'A', 'A', 'AAAA', 'CNAME', 'TXT', 'PTR', 'HTTPS']);
        if (rnd() < 0.5) body = `"dns":{"type":"query","id":${int(65536)},"rrname":"${domain}","rrtype":"${rrtype}","tx_id":${int(4)}}`;
        else {
          const ip = external[zipf(external.length)];
          const rcode = rnd() < 0.93 ? 'NOERROR' : 'NXDOMAIN';
          body = `"dns":{"version":2,"type":"answer","id":${int(65536)},"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rrname":"${domain}","rrtype":"${rrtype}","rcode":"${rcode}"${rcode === 'NOERROR' ? `,"answers":[{"rrname":"${domain}","rrtype":"A","ttl":${int(3600)},"rdata":"${ip}"}],"grouped":{"A":["${ip}"]}` : ''}}`;
        }
        break;
      }
      case 'http': {
        const status = pick([200, 200, 200, 301, 302, 304, 404, 500]);
        body = `"http":{"hostname":"${domain}","url":"/${pick(WORDS)}/${pick(WORDS)}${int(1000)}.${pick(['js', 'css', 'php', 'html', 'png', 'json'])}?v=${int(100000)}","http_user_agent":"${uas[zipf(uas.length)]}","http_content_type":"${pick(['text/html', 'application/json', 'image/png', 'application/javascript'])}","http_method":"${rnd() < 0.85 ? 'GET' : 'POST'}","protocol":"HTTP/1.1","status":${status},"length":${int(200000)}}`;
        break;
      }
      case 'tls': {
        body = `"tls":{"subject":"CN=${domain}","issuerdn":"C=US, O=${pick(["Let's Encrypt", 'DigiCert Inc', 'Google Trust Services', 'Sectigo Limited'])}, CN=${pick(['R11', 'E6', 'WR2', 'GTS CA 1D4'])}","serial":"${crypto.createHash('md5').update(domain).digest('hex').slice(0, 24).toUpperCase()}","fingerprint":"${crypto.createHash('sha1').update(domain).digest('hex').match(/../g).join(':')}","sni":"${domain}","version":"${rnd() < 0.8 ? 'TLS 1.3' : 'TLS 1.2'}","notbefore":"2026-09-01T00:00:00","notafter":"2026-11-30T23:59:59","ja3":{"hash":"${ja3[zipf(ja3.length)]}","string":"771,4865-4866-4867-49195-49199-49196-49200-52393-52392,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513,29-23-24,0"},"ja3s":{"hash":"${ja3[int(ja3.length)]}","string":"771,4865,43-51"},"ja4":"t13d1516h2_8daaf6152771_${ja3[zipf(ja3.length)].slice(0, 12)}"}`;
        break;
      }
      case 'fileinfo': {
        const h = hashes[zipf(hashes.length)];
        body = `"http":{"hostname":"${domain}","url":"/download/${pick(WORDS)}${int(100)}.bin","http_user_agent":"${uas[zipf(uas.length)]}","http_content_type":"application/octet-stream","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":${int(5000000)}},"app_proto":"http","fileinfo":{"filename":"/download/${pick(WORDS)}${int(100)}.bin","sid":[],"gaps":false,"state":"CLOSED","sha256":"${h}","stored":false,"size":${int(5000000)},"tx_id":0,"magic":"${pick(MAGIC)}"}`;
        break;
      }
      case 'anomaly': {
        const [t, e] = pick(ANOMALIES);
        body = `"anomaly":{"type":"${t}","event":"${e}"${t === 'applayer' ? ',"layer":"proto_detect"' : ''}}`;
        break;
      }
      default: {
        const [sid, sig, cat, sev] = pick(SIGS);
        body = `"alert":{"action":"allowed","gid":1,"signature_id":${sid},"rev":${1 + int(9)},"signature":"${sig}","category":"${cat}","severity":${sev},"metadata":{"created_at":["2020_01_01"],"updated_at":["2024_05_01"]}},"flow":{"pkts_toserver":${1 + int(20)},"pkts_toclient":${int(20)},"bytes_toserver":${100 + int(9000)},"bytes_toclient":${int(20000)},"start":"${ts}"}`;
      }
    }
    out.push(`${head},${body},"host":"${host}"}`);
    if (out.length === chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}
