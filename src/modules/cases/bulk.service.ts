/**
 * Bulk actions (批量操作) over a selection of the case list: sign 签收, dispatch 派遣, urge 催办, assign
 * 分派到人. Each case goes through the same service method as one case would, in its own transaction; the
 * answer says for each case whether it succeeded or why it was refused. A case the caller cannot see is
 * refused exactly like a missing one (404 `case_not_found`), so the answer reveals nothing of it.
 */
import type { Principal } from '../../platform/auth/roles.js';
import { DomainError, Invalid } from '../../platform/errors.js';
import type { CaseAssignments } from './assignment.service.js';
import type { BulkBodyT, BulkResultT } from './cases.schemas.js';
import type { CaseQueries } from './queries.service.js';
import type { CaseTransitions } from './transitions.service.js';

type Outcome = BulkResultT['results'][number];

export class CaseBulk {
  constructor(
    private readonly queries: CaseQueries,
    private readonly transitions: CaseTransitions,
    private readonly assignments: CaseAssignments,
  ) {}

  /** Applies the action to each case in turn (each id once, in the order given). */
  async run(p: Principal, body: BulkBodyT): Promise<BulkResultT> {
    const act = this.actionOf(body);
    const results: Outcome[] = [];
    for (const id of [...new Set(body.ids)]) {
      try {
        const row = await this.queries.visibleRow(p, id);
        const done = await act(p, id, row.version);
        results.push({ id, ok: true, version: done.version, state: done.state });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { succeeded, refused: results.length - succeeded, results };
  }

  /** The one-case operation of the action; what the whole request lacks is refused before any case. */
  private actionOf(
    body: BulkBodyT,
  ): (p: Principal, id: string, version: number) => Promise<{ version: number; state: string }> {
    switch (body.action) {
      case 'sign':
        return (p, id, version) =>
          this.transitions.transition(p, id, { type: 'sign', note: body.note, version });
      case 'dispatch': {
        const mode = body.mode ?? (body.unitId ? 'manual' : 'auto');
        if (mode !== 'auto' && !body.unitId)
          throw new Invalid('unit_required', 'Name the unit to dispatch the cases to.');
        return (p, id, version) =>
          this.transitions.transition(p, id, {
            type: 'dispatch',
            mode,
            unitId: mode === 'auto' ? undefined : body.unitId,
            note: body.note,
            version,
          });
      }
      case 'urge': {
        const note = body.note;
        if (!note || note.trim().length < 2) throw new Invalid('note_required', 'Say what is urged (催办).');
        return (p, id, version) => this.transitions.transition(p, id, { type: 'urge', note, version });
      }
      case 'assign': {
        const userId = body.userId;
        if (userId === undefined)
          throw new Invalid(
            'assignee_required',
            'Name the member to assign the cases to (or null to take them back).',
          );
        return (p, id, version) => this.assignments.assign(p, id, { userId, version, note: body.note });
      }
      default: {
        const never: never = body.action;
        throw new Invalid('invalid_request', `Unknown bulk action ${String(never)}.`);
      }
    }
  }
}
