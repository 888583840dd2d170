/** The evaluation screens: the dashboard (home page of the roles that oversee) the monthly bulletin and the scheme editor. */
import { Route, Routes } from 'react-router';
import Bulletin from './Bulletin';
import Dashboard from './Dashboard';
import SchemeEditor from './SchemeEditor';

export default function EvaluationPage() {
  return (
    <Routes>
      <Route index element={<Dashboard />} />
      <Route path="bulletin" element={<Bulletin />} />
      <Route path="scheme" element={<SchemeEditor />} />
    </Routes>
  );
}
