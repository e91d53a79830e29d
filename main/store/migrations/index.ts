import { m0001Initial } from './0001-initial.js';
import { m0002Pipeline } from './0002-pipeline.js';
import { m0003Console } from './0003-console.js';
import { m0004Feed } from './0004-feed.js';
import { m0005Sources } from './0005-sources.js';
import { m0006AlertHost } from './0006-alert-host.js';
import { m0007Reserved } from './0007-reserved.js';
import { m0008AlertList } from './0008-alert-list.js';
import { m0009Cases } from './0009-cases.js';
import { m0010Connectors } from './0010-connectors.js';
import { m0011SourceDrivers } from './0011-source-drivers.js';
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
  m0007Reserved,
  m0008AlertList,
  m0009Cases,
  m0010Connectors,
  m0011SourceDrivers,
];
