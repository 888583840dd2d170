/** 督查督办 under /targets: documents and import, one document's review, a plan's mid-term review, and the board. */
import { Route, Routes } from 'react-router';
import { Board } from './Board';
import { DocumentList } from './DocumentList';
import { DocumentReview } from './DocumentReview';
import { PlanReview } from './PlanReview';
import './strings';

export default function TargetsPage() {
  return (
    <Routes>
      <Route index element={<DocumentList />} />
      <Route path="board" element={<Board />} />
      <Route path="plans/:id" element={<PlanReview />} />
      <Route path=":id" element={<DocumentReview />} />
    </Routes>
  );
}
