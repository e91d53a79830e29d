import { m0001Initial } from './0001-initial.js';
import { m0002Pipeline } from './0002-pipeline.js';
import { m0003Console } from './0003-console.js';
import { m0004Feed } from './0004-feed.js';
import { m0005Sources } from './0005-sources.js';
import { m0006AlertHost } from './0006-alert-host.js';
import { m0007Cases } from './0007-cases.js';
import { m0008Connectors } from './0008-connectors.js';
import { m0009SourceDrivers } from './0009-source-drivers.js';
import { m0010Triage } from './0010-triage.js';
import { m0011AlertList } from './0011-alert-list.js';
import { m0012Records } from './0012-records.js';
import { m0013ScansFindings } from './0013-scans-findings.js';
import { m0014Playbooks } from './0014-playbooks.js';
import { m0015AlertTags } from './0015-alert-tags.js';
import { m0016RecordsTypeCover } from './0016-records-type-cover.js';
import { m0017RecordsFlowBuckets } from './0017-records-flow-buckets.js';
import { m0018RecordHostHours } from './0018-record-host-hours.js';
import { m0019RecordsAddressBuckets } from './0019-records-address-buckets.js';
import { m0020RecordsAddressPairs } from './0020-records-address-pairs.js';
import { m0021RecordHours } from './0021-record-hours.js';
import { m0022RecordsAddressFields } from './0022-records-address-fields.js';
import { m0023CaseRecords } from './0023-case-records.js';
import { m0024RecordHostLoops } from './0024-record-host-loops.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** All schema steps, in order. Append only: a released step is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  m0001Initial,
  m0002Pipeline,
  m0003Console,
  m0004Feed,
  m0005Sources,
  m0006AlertHost,
  m0007Cases,
  m0008Connectors,
  m0009SourceDrivers,
  m0010Triage,
  m0011AlertList,
  m0012Records,
  m0013ScansFindings,
  m0014Playbooks,
  m0015AlertTags,
  m0016RecordsTypeCover,
  m0017RecordsFlowBuckets,
  m0018RecordHostHours,
  m0019RecordsAddressBuckets,
  m0020RecordsAddressPairs,
  m0021RecordHours,
  m0022RecordsAddressFields,
  m0023CaseRecords,
  m0024RecordHostLoops,
];
