import type { Tlp } from '../contract/index.js';
import type { ReportPlan } from './builder.js';
import { SECTION_END, empty, sectionStart } from './html.js';

/**
 * Scan findings by host and severity. Vigil does not import scan results yet (the Greenbone, ZAP
 * and SpiderFoot connectors are a library so far): the report says so and leaves out every
 * section that has no data, rather than printing empty tables. When a findings store exists, its
 * read model plugs in here.
 */
export function findingsReport(tlp: Tlp | null): ReportPlan {
  return {
    title: 'Scan findings',
    subtitle: 'Findings report',
    tlp,
    about: [['Findings', '0']],
    toc: [{ id: 'summary', title: 'Summary' }],
    total: 1,
    async write(w) {
      await w.write(sectionStart('summary', 'Summary', false));
      await w.write(empty('This database holds no scan findings: Vigil does not import scan results yet. Findings by host and severity appear here once scans are imported.'));
      await w.write(SECTION_END);
      w.count('findings', 0);
    },
  };
}
