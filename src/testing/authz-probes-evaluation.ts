/** The authorization matrix's probes of the evaluation routes (see authz-probes.ts). */

import { DEFAULT_SCHEME } from '../modules/evaluation/scheme.js';
import { type Build, STREET_A, STREET_B } from './authz-fixtures.js';

const MONTH = '2026-01';
const DISTRICT = '120101';

export const EVALUATION_PROBES: Record<string, Record<string, Build>> = {
  'GET /api/evaluation/indicators': {
    in: () => ({ method: 'GET', url: `/api/evaluation/indicators?period=${MONTH}&area=${STREET_A}` }),
    out: () => ({ method: 'GET', url: `/api/evaluation/indicators?period=${MONTH}&area=${STREET_B}` }),
  },
  'GET /api/evaluation/scheme': {
    any: () => ({ method: 'GET', url: `/api/evaluation/scheme?district=${DISTRICT}&period=${MONTH}` }),
  },
  'PUT /api/evaluation/scheme': {
    any: () => ({
      method: 'PUT',
      url: '/api/evaluation/scheme',
      payload: { district: DISTRICT, period: MONTH, scheme: DEFAULT_SCHEME },
    }),
  },
  'GET /api/evaluation/scores': {
    any: () => ({ method: 'GET', url: `/api/evaluation/scores?district=${DISTRICT}&period=${MONTH}` }),
  },
  'GET /api/evaluation/bulletin': {
    any: () => ({ method: 'GET', url: `/api/evaluation/bulletin?district=${DISTRICT}&period=${MONTH}` }),
  },
  'GET /api/evaluation/bulletin.xlsx': {
    any: () => ({ method: 'GET', url: `/api/evaluation/bulletin.xlsx?district=${DISTRICT}&period=${MONTH}` }),
  },
  'GET /api/evaluation/screen': {
    in: () => ({ method: 'GET', url: `/api/evaluation/screen?area=${STREET_A}` }),
    out: () => ({ method: 'GET', url: `/api/evaluation/screen?area=${STREET_B}` }),
  },
  'GET /api/evaluation/dashboard': { any: () => ({ method: 'GET', url: '/api/evaluation/dashboard' }) },
};
