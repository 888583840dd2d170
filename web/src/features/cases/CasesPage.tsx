/** The case screens under /cases: the list with queues and saved views, reporting, and one case. */
import { Route, Routes } from 'react-router';
import { CaseDetailView } from './CaseDetailView';
import { CaseList } from './CaseList';
import { NewCase } from './NewCase';
import './strings';

export default function CasesPage() {
  return (
    <Routes>
      <Route index element={<CaseList />} />
      <Route path="new" element={<NewCase />} />
      <Route path=":id" element={<CaseDetailView />} />
    </Routes>
  );
}
