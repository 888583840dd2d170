/** The authorization matrix's probes of the routing routes (分拨建议, see authz-probes.ts). */
import type { Build } from './authz-fixtures.js';

export const ROUTING_PROBES: Record<string, Record<string, Build>> = {
  'POST /api/cases/suggest': {
    any: () => ({ method: 'POST', url: '/api/cases/suggest', payload: { text: '小区门口垃圾堆积无人清运' } }),
  },
  // A suggestion nobody asked for: callers who may record a choice are told it is not there.
  'POST /api/cases/suggestions/:id/choice': {
    any: () => ({
      method: 'POST',
      url: '/api/cases/suggestions/2000000000/choice',
      payload: { categoryCode: 'event.0102' },
    }),
  },
  'POST /api/public/suggest': {
    any: () => ({ method: 'POST', url: '/api/public/suggest', payload: { text: '路边有一堆垃圾没人清理' } }),
  },
  'GET /api/routing/models': { any: () => ({ method: 'GET', url: '/api/routing/models' }) },
  'POST /api/routing/retrain': { any: () => ({ method: 'POST', url: '/api/routing/retrain' }) },
  'GET /api/routing/stats': { any: () => ({ method: 'GET', url: '/api/routing/stats' }) },
};
