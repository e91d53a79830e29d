/**
 * What a synced feed brings: predefined scan configs, port lists and the XML report format (with
 * the ids every gvmd shares, connectors.md §3), and the NVTs the simulator's scans "find". The
 * two built-in scanners exist without a feed, as in the recording.
 */

export const BUILTIN_SCANNERS = [
  { id: '6acd0832-df90-11e4-b9d5-28d24461215b', name: 'CVE', type: 3, host: '' },
  { id: '08b69003-5fc2-4037-a479-93b440211c73', name: 'OpenVAS Default', type: 2, host: '/run/ospd/ospd-openvas.sock' },
];

export const FEED_CONFIGS = [
  { id: 'daba56c8-73ec-11df-a475-002264764cea', name: 'Full and fast', comment: "Most NVT's; optimized by using previously collected information." },
  { id: '8715c877-47a0-438d-98a3-27c7a6ab2196', name: 'Discovery', comment: 'Network Discovery scan configuration.' },
  { id: '085569ce-73ed-11df-83c3-002264764cea', name: 'empty', comment: 'Empty and static configuration template.' },
];

export const FEED_PORT_LISTS = [
  { id: '33d0cd82-57c6-11e1-8ed1-406186ea4fc5', name: 'All IANA assigned TCP', tcp: 5836, udp: 0 },
  { id: '4a4717fe-57d2-11e1-9a26-406186ea4fc5', name: 'All IANA assigned TCP and UDP', tcp: 5836, udp: 5482 },
  { id: '730ef368-57e2-11e1-a90f-406186ea4fc5', name: 'All TCP and Nmap top 100 UDP', tcp: 65535, udp: 100 },
];

export const XML_REPORT_FORMAT = 'a994b278-1f62-11e1-96ac-406186ea4fc5';
export const FEED_REPORT_FORMATS = [{ id: XML_REPORT_FORMAT, name: 'XML', extension: 'xml', contentType: 'text/xml' }];

export interface Nvt {
  oid: string;
  name: string;
  family: string;
  severity: number;
  vector: string;
  cves: string[];
  qod: number;
  qodType: string;
  port: string;
  solutionType: string;
  solution: string;
  summary: string;
  description: string;
}

/** NVTs with the shape of real ones (severities, CVEs, tags); severities cover every bucket. */
export const NVTS: Nvt[] = [
  {
    oid: '1.3.6.1.4.1.25623.1.0.150713',
    name: 'Apache HTTP Server 2.4.49 Path Traversal (CVE-2021-41773)',
    family: 'Web Servers',
    severity: 9.8,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cves: ['CVE-2021-41773', 'CVE-2021-42013'],
    qod: 95,
    qodType: 'remote_vul',
    port: '443/tcp',
    solutionType: 'VendorFix',
    solution: 'Update to version 2.4.51 or later.',
    summary: 'Apache HTTP Server is prone to a path traversal vulnerability.',
    description: 'By doing the following HTTP GET request: GET /cgi-bin/.%2e/%2e%2e/etc/passwd it was possible to read <passwd> & "more".',
  },
  {
    oid: '1.3.6.1.4.1.25623.1.0.117574',
    name: 'OpenSSH Information Disclosure Vulnerability (CVE-2016-20012)',
    family: 'General',
    severity: 5.3,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
    cves: ['CVE-2016-20012'],
    qod: 80,
    qodType: 'remote_banner_unreliable',
    port: '22/tcp',
    solutionType: 'NoneAvailable',
    solution: 'No known solution is available as of 2024-03-01.',
    summary: 'OpenSSH is prone to an information disclosure vulnerability.',
    description: 'Installed version: 7.4p1\nFixed version:     None',
  },
  {
    oid: '1.3.6.1.4.1.25623.1.0.108440',
    name: 'SSL/TLS: Deprecated TLSv1.0 and TLSv1.1 Protocol Detection',
    family: 'SSL and TLS',
    severity: 4.3,
    vector: 'AV:N/AC:M/Au:N/C:P/I:N/A:N',
    cves: ['CVE-2011-3389', 'CVE-2015-0204'],
    qod: 98,
    qodType: 'remote_app',
    port: '443/tcp',
    solutionType: 'Mitigation',
    solution: 'It is recommended to disable the deprecated TLSv1.0 and/or TLSv1.1 protocols.',
    summary: 'It was possible to detect the usage of the deprecated TLSv1.0 and/or TLSv1.1 protocol on this system.',
    description: 'The service is only providing the deprecated TLSv1.0 protocol and supports one or more ciphers.',
  },
  {
    oid: '1.3.6.1.4.1.25623.1.0.108021',
    name: 'Microsoft Windows SMB Server Multiple Vulnerabilities-Remote (4013389)',
    family: 'Windows : Microsoft Bulletins',
    severity: 8.1,
    vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cves: ['CVE-2017-0143', 'CVE-2017-0144', 'CVE-2017-0145'],
    qod: 95,
    qodType: 'remote_active',
    port: '445/tcp',
    solutionType: 'VendorFix',
    solution: 'The vendor has released updates.',
    summary: 'This host is missing a critical security update according to Microsoft Bulletin MS17-010.',
    description: 'Vulnerable SMBv1 server: the "EternalBlue" check succeeded.',
  },
  {
    oid: '1.3.6.1.4.1.25623.1.0.80091',
    name: 'TCP Timestamps Information Disclosure',
    family: 'General',
    severity: 2.6,
    vector: 'AV:N/AC:H/Au:N/C:P/I:N/A:N',
    cves: [],
    qod: 80,
    qodType: 'remote_banner',
    port: 'general/tcp',
    solutionType: 'Mitigation',
    solution: 'To disable TCP timestamps on linux add the line net.ipv4.tcp_timestamps = 0 to /etc/sysctl.conf.',
    summary: 'The remote host implements TCP timestamps and therefore allows to compute the uptime.',
    description: 'It was detected that the host implements RFC1323/RFC7323.',
  },
  {
    oid: '1.3.6.1.4.1.25623.1.0.105937',
    name: 'OS Detection Consolidation and Reporting',
    family: 'Product detection',
    severity: 0,
    vector: 'AV:N/AC:L/Au:N/C:N/I:N/A:N',
    cves: [],
    qod: 80,
    qodType: 'remote_banner',
    port: 'general/CPE-T',
    solutionType: '',
    solution: '',
    summary: 'This script consolidates the OS information detected by several VTs and tries to find the best matching OS.',
    description: 'Best matching OS:\nOS: Debian GNU/Linux 12\nCPE: cpe:/o:debian:debian_linux:12',
  },
  {
    oid: '1.3.6.1.4.1.25623.1.0.902815',
    name: 'PHP Multiple Vulnerabilities (Low QoD)',
    family: 'Web application abuses',
    severity: 6.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
    cves: ['CVE-2012-0830'],
    qod: 30,
    qodType: 'remote_banner_unreliable',
    port: '80/tcp',
    solutionType: 'VendorFix',
    solution: 'Update to PHP version 5.3.11 or later.',
    summary: 'PHP is prone to multiple vulnerabilities.',
    description: 'Installed version: 5.3.3 (banner only)',
  },
];

export function nvtByOid(oid: string): Nvt | undefined {
  return NVTS.find((n) => n.oid === oid);
}
