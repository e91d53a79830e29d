/**
 * ransomware: an executable pushed over SMB to a victim, shadow copies deleted, then a wave of
 * Wazuh FIM events as files are encrypted and renamed to `.locked`: each add raised by a local
 * child rule of 554 (T1486), the original's 553 deletion, sometimes 550 first; 554 for a ransom
 * note per folder, and the level 12 local aggregate (10 `.locked` files in 60 s, then quiet 30 s).
 */
import { type Ctx, Frequency, Gen, eveAt, tuple, SECOND } from './engine.js';
import { type Micros, type Sig, type WRule, COMPLIANCE, eveAlert, flowId, isoSeconds } from './format.js';
import { type Host, host } from './world.js';

const SMB_EXE: Sig = {
  sid: 2025701,
  rev: 2,
  msg: 'ET POLICY SMB2 NT Create AndX Request For an Executable File',
  category: 'Potential Corporate Privacy Violation',
  severity: 1,
  meta: { former: 'POLICY', target: 'Client_Endpoint', product: 'Windows_XP_Vista_7_8_10_Server_32_64_Bit', deployment: 'Internal', created: '2018_07_16', updated: '2018_07_16', sev: 'Major', mitre: ['TA0008', 'Lateral_Movement', 'T1570', 'Lateral_Tool_Transfer'] },
};
const SMB_EXE_TRANSFER: Sig = {
  sid: 2025702,
  rev: 2,
  msg: 'ET POLICY SMB Executable File Transfer',
  category: 'Potential Corporate Privacy Violation',
  severity: 1,
  meta: { former: 'POLICY', target: 'Client_Endpoint', deployment: 'Internal', created: '2018_07_16', updated: '2018_07_16', sev: 'Major', mitre: ['TA0008', 'Lateral_Movement', 'T1570', 'Lateral_Tool_Transfer'] },
};

const SYSCHECK = ['ossec', 'syscheck'];
const R_550: WRule = { id: '550', level: 7, description: 'Integrity checksum changed.', groups: [...SYSCHECK, 'syscheck_entry_modified', 'syscheck_file'], mitre: ['T1565.001'], compliance: COMPLIANCE.syscheck };
const R_553: WRule = { id: '553', level: 7, description: 'File deleted.', groups: [...SYSCHECK, 'syscheck_entry_deleted', 'syscheck_file'], mitre: ['T1070.004', 'T1485'], compliance: COMPLIANCE.syscheck };
export const R_554: WRule = { id: '554', level: 5, description: 'File added to the system.', groups: [...SYSCHECK, 'syscheck_entry_added', 'syscheck_file'], compliance: COMPLIANCE.syscheck };
/**
 * Local rules (ids 100000+), as the Wazuh ransomware-detection guides add them: a child of 554
 * for files added with the ransomware's extension (so those adds are raised under it instead of
 * 554), an aggregate over it, and a Sysmon rule for shadow-copy deletion at level 15 (Wazuh's
 * "severe attack, immediate attention is necessary"): with the recovery points gone, it is no drill.
 */
const R_LOCKED_FILE: WRule = { id: '100610', level: 7, description: 'File added with the .locked extension: possible ransomware encryption.', groups: [...SYSCHECK, 'syscheck_entry_added', 'syscheck_file', 'ransomware'], mitre: ['T1486'], compliance: COMPLIANCE.syscheck };
const R_LOCKED: WRule = { id: '100612', level: 12, description: 'Possible ransomware activity: multiple files renamed with the .locked extension.', groups: ['ransomware', 'syscheck'], mitre: ['T1486'] };
const R_VSS: WRule = { id: '100613', level: 15, description: 'Volume shadow copies deleted with vssadmin: possible ransomware.', groups: ['windows', 'sysmon', 'sysmon_event1', 'ransomware'], mitre: ['T1490'] };

const DOCS = ['budget_2026', 'q3_report', 'payroll', 'customers', 'contract_acme', 'board_minutes', 'invoice_10293', 'roadmap', 'hr_reviews', 'vendor_list', 'tax_return', 'project_plan', 'offsite_photos', 'price_list', 'backup_keys'];
const EXTS = ['docx', 'xlsx', 'pdf', 'pptx', 'csv', 'jpg', 'txt', 'zip', 'pst', 'sql'];
const NOTE = 'readme_to_restore_files.txt';

interface Victim {
  host: Host;
  user: string;
  dirs: string[];
}

function victims(): Victim[] {
  const ws = (name: string): Victim => {
    const h = host(name);
    const u = h.users[0] ?? 'user';
    return { host: h, user: u, dirs: [`c:\\users\\${u}\\documents`, `c:\\users\\${u}\\desktop`, `c:\\users\\${u}\\documents\\finance`, `c:\\users\\${u}\\pictures`] };
  };
  const fs = host('fs-01');
  return [
    ws('ws-042'),
    ws('ws-057'),
    ws('ws-101'),
    { host: fs, user: 'svc_backup', dirs: ['d:\\shares\\finance', 'd:\\shares\\hr', 'd:\\shares\\projects', 'd:\\shares\\sales\\2026'] },
  ];
}

export class Ransomware extends Gen {
  private victim: Victim = victims()[0] as Victim;
  private files: string[] = [];
  private noted = new Set<string>();
  private locked = new Frequency(10, 60, 30);
  private lastLocked: string[] = [];

  constructor(ctx: Ctx) {
    super(ctx, 'ransomware');
    this.campaign();
  }

  private campaign(): void {
    const rng = this.rng;
    this.victim = rng.pick(victims());
    this.noted = new Set();
    this.locked = new Frequency(10, 60, 30);
    this.lastLocked = [];
    this.files = [];
    const n = rng.int(100, 600);
    for (let i = 0; i < n; i++) {
      const dir = rng.pick(this.victim.dirs);
      this.files.push(`${dir}\\${rng.pick(DOCS)}_${rng.int(1, 999)}.${rng.pick(EXTS)}`);
    }
    this.files = [...new Set(this.files)];
    this.stage();
  }

  /** Staging: the payload lands over SMB from a compromised admin box, then vssadmin. */
  private stage(): void {
    const rng = this.rng;
    const victim = this.victim;
    const from = victim.host.name === 'fs-01' ? host('ws-042') : host('dc-01');
    const exe = rng.pick(['svchost_upd.exe', 'winupdate64.exe', 'msupd.exe', 'adobe_sync.exe']);
    const sport = rng.ephemeralPort();
    const fid = (): { f: number; v: number } => ({ f: rng.int(1, 2 ** 31), v: rng.int(1, 2 ** 31) });
    // Both alerts fire on the same SMB session (one flow).
    const flow = flowId(rng);
    for (const sig of [SMB_EXE, SMB_EXE_TRANSFER]) {
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(from.ip, sport, victim.host.ip, 445), flow);
        const ids = fid();
        const line = eveAlert(e, sig, {
          txId: rng.int(2, 12),
          flow: { pkts_toserver: rng.int(20, 60), pkts_toclient: rng.int(15, 50), bytes_toserver: rng.int(180_000, 900_000), bytes_toclient: rng.int(4000, 9000), start: t - rng.int(1, 5) * SECOND },
          appProto: 'smb',
          app: {
            smb: {
              id: rng.int(5, 40),
              dialect: '3.1.1',
              command: 'SMB2_COMMAND_CREATE',
              status: 'STATUS_SUCCESS',
              status_code: '0x0',
              session_id: rng.int(1, 2 ** 31),
              tree_id: rng.int(1, 9),
              filename: `Windows\\Temp\\${exe}`,
              disposition: 'FILE_OVERWRITE_IF',
              access: 'normal',
              created: Math.floor(t / SECOND),
              accessed: Math.floor(t / SECOND),
              modified: Math.floor(t / SECOND),
              changed: Math.floor(t / SECOND),
              size: 0,
              fuid: `${ids.f.toString(16)}-${ids.v.toString(16)}`,
            },
          },
        });
        return { format: 'eve', line };
      });
    }
    this.push((t) => {
      const cmd = 'vssadmin.exe delete shadows /all /quiet';
      const data = {
        win: {
          system: {
            providerName: 'Microsoft-Windows-Sysmon',
            providerGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
            eventID: '1',
            version: '5',
            level: '4',
            task: '1',
            opcode: '0',
            keywords: '0x8000000000000000',
            systemTime: new Date(Math.floor(t / 1000)).toISOString().replace('Z', '0000Z'),
            eventRecordID: String(rng.int(100000, 999999)),
            processID: String(rng.int(2000, 4000)),
            threadID: String(rng.int(2000, 6000)),
            channel: 'Microsoft-Windows-Sysmon/Operational',
            computer: `${victim.host.name}.corp.example.com`,
            severityValue: 'INFORMATION',
            message: `"Process Create:\r\nCommandLine: ${cmd}\r\nUser: CORP\\${victim.user}"`,
          },
          eventdata: {
            utcTime: new Date(Math.floor(t / 1000)).toISOString().replace('T', ' ').replace('Z', ''),
            processGuid: `{${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}}`,
            processId: String(rng.int(2000, 9000)),
            image: 'C:\\\\Windows\\\\System32\\\\vssadmin.exe',
            commandLine: cmd,
            currentDirectory: 'C:\\\\Windows\\\\Temp\\\\',
            user: `CORP\\\\${victim.user}`,
            integrityLevel: 'High',
            parentImage: `C:\\\\Windows\\\\Temp\\\\${exe}`,
            parentCommandLine: `C:\\\\Windows\\\\Temp\\\\${exe} -enc -all`,
          },
        },
      };
      return { format: 'wazuh', line: this.ctx.wazuh.line(t, R_VSS, victim.host, { decoder: { name: 'windows_eventchannel' }, data, location: 'EventChannel' }) };
    });
  }

  protected plan(): void {
    const file = this.files.shift();
    if (file === undefined) {
      this.campaign();
      return;
    }
    const victim = this.victim;
    const rng = this.rng;
    const locked = `${file}.locked`;
    const size = rng.int(8, 4096) * 1024;
    const dir = file.slice(0, file.lastIndexOf('\\'));
    if (rng.chance(0.3)) {
      // Encrypted in place first: checksum changes on the original.
      this.push((t) => this.fim(t, R_550, file, 'modified', size, size + 16));
    }
    this.push((t) => {
      this.lastLocked.push(locked);
      if (this.lastLocked.length > 5) this.lastLocked.shift();
      if (this.locked.hit(t)) {
        const sample = this.lastLocked.slice(0, -1).reverse();
        this.pushFront((t2) => ({
          format: 'wazuh',
          line: this.ctx.wazuh.line(t2, R_LOCKED, victim.host, {
            full_log: `File '${locked}' added\nMode: realtime\n`,
            previous_output: sample.map((p) => `File '${p}' added\nMode: realtime`).join('\n'),
            syscheck: this.syscheck(t2, locked, 'added', null, size + 16),
            decoder: { name: 'syscheck_new_entry' },
            location: 'syscheck',
          }),
        }));
      }
      return this.fim(t, R_LOCKED_FILE, locked, 'added', null, size + 16);
    });
    this.push((t) => this.fim(t, R_553, file, 'deleted', size, null));
    if (!this.noted.has(dir)) {
      this.noted.add(dir);
      this.push((t) => this.fim(t, R_554, `${dir}\\${NOTE}`, 'added', null, 1337));
    }
  }

  private syscheck(t: Micros, path: string, event: 'added' | 'modified' | 'deleted', before: number | null, after: number | null): Record<string, unknown> {
    const rng = this.rng;
    const sc: Record<string, unknown> = { path, mode: 'realtime' };
    const hashes = (suffix: 'before' | 'after') => {
      sc[`md5_${suffix}`] = rng.hex(32);
      sc[`sha1_${suffix}`] = rng.hex(40);
      sc[`sha256_${suffix}`] = rng.hex(64);
    };
    if (before !== null) sc.size_before = String(before);
    if (after !== null) sc.size_after = String(after);
    if (event !== 'added') hashes('before');
    if (event !== 'deleted') {
      hashes('after');
      sc.win_perm_after = [{ name: this.victim.user, allowed: ['full_control'] }, { name: 'SYSTEM', allowed: ['full_control'] }];
      sc.uname_after = this.victim.user;
      sc.attrs_after = ['ARCHIVE'];
      sc.mtime_after = isoSeconds(t);
    }
    if (event === 'modified') sc.changed_attributes = ['size', 'mtime', 'md5', 'sha1', 'sha256'];
    sc.event = event;
    return sc;
  }

  private fim(t: Micros, rule: WRule, path: string, event: 'added' | 'modified' | 'deleted', before: number | null, after: number | null) {
    const syscheck = this.syscheck(t, path, event, before, after);
    let full = `File '${path}' ${event}\nMode: realtime\n`;
    if (event === 'modified') {
      full += `Changed attributes: size,mtime,md5,sha1,sha256\nSize changed from '${before}' to '${after}'\nOld md5sum was: '${String(syscheck.md5_before)}'\nNew md5sum is : '${String(syscheck.md5_after)}'\n`;
    }
    const decoder = event === 'added' ? 'syscheck_new_entry' : event === 'deleted' ? 'syscheck_deleted' : 'syscheck_integrity_changed';
    return {
      format: 'wazuh' as const,
      line: this.ctx.wazuh.line(t, rule, this.victim.host, { full_log: full, syscheck, decoder: { name: decoder }, location: 'syscheck' }),
    };
  }
}
