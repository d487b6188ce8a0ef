import type { DataSource } from 'typeorm';
import { Organisation } from '../../../entities/index.js';
import type { EmployerFields } from '../../smart-assessor/types.js';
import type { PageOf, Paging } from '../http/request-parsing.js';
import { containsAll, namedBinder } from '../search-terms.js';

/** An organisation as the admin API shows it: its ref, its employer fields and its Additional ID. */
export type OrganisationView = Pick<Organisation, 'ref' | keyof EmployerFields | 'additionalId'>;

export function organisationView(organisation: Organisation): OrganisationView {
  return {
    ref: organisation.ref,
    name: organisation.name,
    phone: organisation.phone,
    edrsNumber: organisation.edrsNumber,
    address1: organisation.address1,
    address2: organisation.address2,
    address3: organisation.address3,
    address4: organisation.address4,
    postcode: organisation.postcode,
    website: organisation.website,
    employerSize: organisation.employerSize,
    additionalId: organisation.additionalId,
  };
}

/** The expression organisation_search_idx indexes (migration AdminSearchIndexes). */
const SEARCH_EXPRESSION = `lower(o.ref || ' ' || o.name || ' ' || coalesce(o.edrs_number, ''))`;

export interface RecordFilter {
  search?: string;
  /** true: only records with an Additional ID; false: only those without. */
  linked?: boolean;
}

export async function searchOrganisations(db: DataSource, filter: RecordFilter, paging: Paging): Promise<PageOf<OrganisationView>> {
  const query = db.getRepository(Organisation).createQueryBuilder('o');
  const parameters: Record<string, unknown> = {};
  const search = containsAll(SEARCH_EXPRESSION, filter.search, namedBinder(parameters));
  if (search) query.andWhere(search, parameters);
  if (filter.linked !== undefined) query.andWhere(filter.linked ? 'o.additional_id IS NOT NULL' : 'o.additional_id IS NULL');
  const [rows, totalItems] = await query
    .orderBy('o.name', 'ASC')
    .addOrderBy('o.ref', 'ASC')
    .skip((paging.page - 1) * paging.pageSize)
    .take(paging.pageSize)
    .getManyAndCount();
  return { items: rows.map(organisationView), page: paging.page, pageSize: paging.pageSize, totalItems };
}
