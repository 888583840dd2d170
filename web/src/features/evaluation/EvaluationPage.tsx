/** The evaluation screens: the dashboard (home page of the roles that oversee) and the monthly bulletin. */
import { Route, Routes } from 'react-router';
import Bulletin from './Bulletin';
import Dashboard from './Dashboard';

export default function EvaluationPage() {
  return (
    <Routes>
      <Route index element={<Dashboard />} />
      <Route path="bulletin" element={<Bulletin />} />
    </Routes>
  );
}
