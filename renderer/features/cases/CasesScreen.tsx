import './cases.css';
import { useEffect } from 'react';
import { api } from '../../api/index.js';
import type { CaseTab } from '../../app/router.js';
import { useJobs } from '../../stores/jobs.js';
import { CaseDetailView } from './CaseDetail.js';
import { CaseList } from './CaseList.js';
import { useCases } from './store.js';

/** #/cases and #/cases/:id[/tab]: the list, or one case with its tabs; kept live by cases.changed. */
export function CasesScreen({ caseId, tab }: { caseId: number | null; tab: CaseTab }) {
  useEffect(() => {
    useJobs.getState().listen();
    return api.on('cases.changed', (p) => useCases.getState().changed(p.ids));
  }, []);
  return caseId === null ? <CaseList /> : <CaseDetailView caseId={caseId} tab={tab} />;
}
