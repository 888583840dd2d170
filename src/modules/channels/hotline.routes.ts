/** HTTP routes of the hotline console: caller history, place search, gazetteer, knowledge base. */
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import {
  CallerCase,
  CallerParams,
  CreatedId,
  GazetteerEntry,
  GazetteerEntryCreate,
  KbAnswer,
  KbEntryCreate,
  KbQuery,
  PlaceHit,
  PlaceQuery,
} from './channels.schemas.js';
import type { HotlineService } from './hotline.service.js';

const HOTLINE: readonly Role[] = ['operator', 'shift_lead', 'admin'];
/** A caller's history is personal data: intake staff only (docs/SECURITY.md). */
const INTAKE: readonly Role[] = ['operator', 'shift_lead'];

export function registerHotlineRoutes(app: App, hotline: HotlineService): void {
  app.get(
    '/api/hotline/callers/:phone/cases',
    {
      config: { access: INTAKE },
      schema: {
        tags: ['hotline'],
        summary: "A caller's earlier cases (by the number they call from); intake staff only, audited",
        params: CallerParams,
        response: { 200: CallerCase.array() },
      },
    },
    async (req) => hotline.callerHistory(principalOf(req), req.params.phone, { ip: req.ip }),
  );
  app.get(
    '/api/hotline/places',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: 'Places by name: streets, communities, grids and gazetteer entries',
        querystring: PlaceQuery,
        response: { 200: PlaceHit.array() },
      },
    },
    async (req) => hotline.findPlaces(principalOf(req), req.query.q),
  );
  app.get(
    '/api/hotline/gazetteer',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: "The operators' gazetteer of landmarks and addresses",
        response: { 200: GazetteerEntry.array() },
      },
    },
    async (req) => hotline.gazetteer(principalOf(req)),
  );
  app.post(
    '/api/hotline/gazetteer',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: 'Add a landmark or address; it is located to its grid',
        body: GazetteerEntryCreate,
        response: { 201: GazetteerEntry },
      },
    },
    async (req, reply) => reply.status(201).send(await hotline.addLandmark(principalOf(req), req.body)),
  );
  app.get(
    '/api/hotline/kb',
    {
      config: { access: HOTLINE },
      schema: {
        tags: ['hotline'],
        summary: 'Search the knowledge base (咨询 answers)',
        querystring: KbQuery,
        response: { 200: KbAnswer.array() },
      },
    },
    async (req) => hotline.searchKb(req.query.q),
  );
  app.post(
    '/api/hotline/kb',
    {
      config: { access: ['shift_lead', 'admin'] },
      schema: {
        tags: ['hotline'],
        summary: 'Add an answer to the knowledge base',
        body: KbEntryCreate,
        response: { 201: CreatedId },
      },
    },
    async (req, reply) => reply.status(201).send(await hotline.addKbEntry(principalOf(req), req.body)),
  );
}
