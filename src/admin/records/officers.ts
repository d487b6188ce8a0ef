import type { DataSource } from 'typeorm';
import { Officer } from '../../../entities/index.js';
import type { AssessorFields } from '../../smart-assessor/types.js';
import type { PageOf, Paging } from '../http/request-parsing.js';
import { containsAll, namedBinder } from '../search-terms.js';
import type { RecordFilter } from './organisations.js';

/** An officer as the admin API shows them: their ref, their assessor fields and their Additional ID. */
export type OfficerView = Pick<Officer, 'ref' | keyof AssessorFields | 'additionalId'>;

export function officerView(officer: Officer): OfficerView {
  return {
    ref: officer.ref,
    firstName: officer.firstName,
    surname: officer.surname,
    email: officer.email,
    phone: officer.phone,
    mobile: officer.mobile,
    additionalId: officer.additionalId,
  };
}

/** The expression officer_search_idx indexes (migration AdminSearchIndexes). */
const SEARCH_EXPRESSION = `lower(f.ref || ' ' || f.first_name || ' ' || f.surname || ' ' || f.email)`;

export async function searchOfficers(db: DataSource, filter: RecordFilter, paging: Paging): Promise<PageOf<OfficerView>> {
  const query = db.getRepository(Officer).createQueryBuilder('f');
  const parameters: Record<string, unknown> = {};
  const search = containsAll(SEARCH_EXPRESSION, filter.search, namedBinder(parameters));
  if (search) query.andWhere(search, parameters);
  if (filter.linked !== undefined) query.andWhere(filter.linked ? 'f.additional_id IS NOT NULL' : 'f.additional_id IS NULL');
  const [rows, totalItems] = await query
    .orderBy('f.surname', 'ASC')
    .addOrderBy('f.first_name', 'ASC')
    .addOrderBy('f.ref', 'ASC')
    .skip((paging.page - 1) * paging.pageSize)
    .take(paging.pageSize)
    .getManyAndCount();
  return { items: rows.map(officerView), page: paging.page, pageSize: paging.pageSize, totalItems };
}
