/** HTTP for routing (分拨建议): staff and public suggestions, the choice made, models and monthly uptake. */
import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import {
  PublicSuggestBody,
  PublicSuggestResult,
  RoutingModelInfo,
  RoutingMonth,
  SuggestBody,
  SuggestionChoice,
  SuggestResult,
} from './cases.schemas.js';
import { INTAKE_ROLES as INTAKE } from './cases.service.js';
import type { CaseRouting } from './routing.service.js';

const ADMIN: readonly Role[] = ['admin'];

export function registerRoutingRoutes(app: App, routing: CaseRouting): void {
  app.post(
    '/api/cases/suggest',
    {
      config: { access: INTAKE },
      schema: {
        tags: ['cases'],
        summary: 'The top 3 categories for a message, with confidence and the responsible unit (recorded)',
        body: SuggestBody,
        response: { 200: SuggestResult },
      },
    },
    async (req) => {
      const { channel, ...input } = req.body;
      return routing.suggest(principalOf(req), input, channel);
    },
  );
  app.post(
    '/api/cases/suggestions/:id/choice',
    {
      config: { access: INTAKE },
      schema: {
        tags: ['cases'],
        summary: 'Record the category the person chose after a suggestion (and the case filed)',
        params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }),
        body: SuggestionChoice,
        response: { 200: z.object({ accepted: z.boolean() }) },
      },
    },
    async (req) => routing.recordChoice(principalOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/public/suggest',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: 'Category suggestions for a citizen as they type (limited per address)',
        body: PublicSuggestBody,
        response: { 200: PublicSuggestResult },
      },
    },
    async (req) => {
      routing.admitPublic(req.ip);
      const r = await routing.suggest(null, req.body, 'portal');
      return {
        suggestionId: r.suggestionId,
        reason: r.reason,
        suggestions: r.suggestions.map(({ categoryCode, name, majorName, confidence }) => ({
          categoryCode,
          name,
          majorName,
          confidence,
        })),
      };
    },
  );
  app.get(
    '/api/routing/models',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['cases'],
        summary: 'Routing models, newest first',
        response: { 200: z.array(RoutingModelInfo) },
      },
    },
    async () => (await routing.models()).map(toInfo),
  );
  app.post(
    '/api/routing/retrain',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['cases'],
        summary: 'Retrain now from the closed cases; the new model is kept only if it scores no worse',
        response: { 200: RoutingModelInfo },
      },
    },
    async () => toInfo(await routing.retrainNow()),
  );
  app.get(
    '/api/routing/stats',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['cases'],
        summary: 'Per month: how often the first suggestion was taken, and 退单 after a suggestion vs none',
        response: { 200: z.array(RoutingMonth) },
      },
    },
    async (req) =>
      (await routing.stats(principalOf(req))).map((m) => ({
        month: m.month,
        suggestions: m.suggestions,
        chosen: m.chosen,
        accepted: m.accepted,
        firstTakenRate: m.chosen === 0 ? null : m.accepted / m.chosen,
        casesWithSuggestion: m.cases_with,
        returnedWithSuggestion: m.returned_with,
        casesWithout: m.cases_without,
        returnedWithout: m.returned_without,
      })),
  );
}

function toInfo(m: Awaited<ReturnType<CaseRouting['models']>>[number]): z.infer<typeof RoutingModelInfo> {
  return {
    id: m.id,
    createdAt: m.created_at.toISOString(),
    source: m.source,
    status: m.status,
    trainedOn: m.trained_on,
    closedCases: m.closed_cases,
    heldOut: m.held_out,
    top1: m.top1,
    previousTop1: m.previous_top1,
    reason: m.reason,
  };
}
