/**
 * Resources (应急资源): stockpiles (物资), teams (队伍) and shelters (避难场所) at their places; the nearest ones
 * to a point by kind, category and quantity needed; dispatching them to an incident and returning them,
 * each on the incident's time line. A dispatch never takes more than is available (400, nothing changed).
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import type { DB } from '../../platform/db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../platform/errors.js';
import type { NearestQueryT, ResourceCreateT } from './emergency.schemas.js';
import {
  appendIncidentEvent,
  bump,
  type Incidents,
  type PlaceLocator,
  requireOpen,
} from './incidents.service.js';
import { nearest } from './nearest.js';
import { type ResourceRow, ResourcesStore } from './resources.store.js';

export function toResource(r: ResourceRow) {
  return {
    id: r.id,
    kind: r.kind as ResourceCreateT['kind'],
    name: r.name,
    category: r.category,
    quantity: r.quantity,
    available: r.available,
    measure: r.measure,
    skills: r.skills,
    lon: r.lon,
    lat: r.lat,
    areaCode: r.area_code,
  };
}

export class Resources {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly incidents: Incidents,
    private readonly places: PlaceLocator,
  ) {}

  async list(p: Principal, kind?: ResourceCreateT['kind']) {
    return (await new ResourcesStore(this.db).list({ scope: p.scope, kind })).map(toResource);
  }

  /** Registers a resource at a point of the caller's area (located to its grid). */
  async create(p: Principal, input: ResourceCreateT) {
    const located = await this.places.locate(input.lon, input.lat);
    if (!located) throw new Invalid('outside_grids', 'The place is in no grid.');
    if (!located.grid.code.startsWith(p.scope))
      throw new Forbidden('scope_outside', 'The place is outside your scope.');
    return this.db.transaction().execute(async (trx) => {
      const row = await new ResourcesStore(trx).insert({ ...input, areaCode: located.grid.code });
      await recordAudit(trx, p, {
        action: 'create',
        entity: 'emergency_resource',
        entityId: row.id,
        after: toResource(row),
      });
      return toResource(row);
    });
  }

  /** 就近资源: the nearest resources of the caller's area with at least `quantity` available. */
  async nearest(p: Principal, q: NearestQueryT) {
    const rows = await new ResourcesStore(this.db).list({
      scope: p.scope,
      kind: q.kind,
      category: q.category,
      minAvailable: q.quantity,
    });
    return nearest(rows.map(toResource), q.lon, q.lat, q.limit);
  }

  /** 调派: sends `quantity` of a resource to the incident; more than is available is refused (400). */
  async dispatch(p: Principal, incidentId: string, resourceId: string, quantity: number) {
    await this.incidents.mutate(p, incidentId, async (store, trx, row, at) => {
      requireOpen(row);
      const resources = new ResourcesStore(trx);
      const resource = await resources.visible(p.scope, resourceId);
      if (!resource)
        throw new NotFound('resource_not_found', 'The resource does not exist or is outside your scope.');
      if (!(await resources.take(resource.id, quantity)))
        throw new Invalid('over_dispatch', `Only ${resource.available} ${resource.measure} available.`, {
          available: resource.available,
          requested: quantity,
        });
      const d = await resources.insertDispatch({
        resourceId: resource.id,
        incidentId: row.id,
        quantity,
        at,
        by: p.userId,
      });
      await bump(store, row, {}, at);
      await appendIncidentEvent(store, row.id, p, 'resource_dispatched', at, null, {
        dispatchId: d.id,
        resourceId: resource.id,
        name: resource.name,
        quantity,
      });
    });
    return this.incidents.detail(p, incidentId);
  }

  /** 归还: the dispatched quantity is available again; a second return is refused (409). */
  async giveBack(p: Principal, dispatchId: string) {
    const d = await new ResourcesStore(this.db).dispatchById(dispatchId);
    if (!d) throw new NotFound('dispatch_not_found', 'The dispatch does not exist or is outside your scope.');
    await this.incidents.visible(p, d.incident_id).catch(() => {
      throw new NotFound('dispatch_not_found', 'The dispatch does not exist or is outside your scope.');
    });
    await this.incidents.mutate(p, d.incident_id, async (store, trx, row, at) => {
      const resources = new ResourcesStore(trx);
      const returned = await resources.markReturned(d.id, at);
      if (!returned) throw new Conflict('already_returned', 'The resource was returned already.');
      await resources.giveBack(d.resource_id, d.quantity);
      await bump(store, row, {}, at);
      await appendIncidentEvent(store, row.id, p, 'resource_returned', at, null, {
        dispatchId: d.id,
        resourceId: d.resource_id,
        quantity: d.quantity,
      });
    });
    return this.incidents.detail(p, d.incident_id);
  }
}
