import type { DataSource } from 'typeorm';
import { Qualification } from '../../entities/index.js';
import { normaliseQualificationReference } from '../sync/normalise.js';
import type { SmartAssessorApi } from '../smart-assessor/types.js';
import { presentId } from './smart-assessor-ids.js';

/** POST /api/qualification-links/refresh: catalogue qualifications whose SA course id was set or changed, cleared, or left as it was. */
export interface QualificationLinksRefresh {
  linked: number;
  unlinked: number;
  unchanged: number;
}

/**
 * Refresh Qualification Links: each catalogue qualification gets the id of the active
 * Smart Assessor course with the same reference (both normalised: no '/', no spaces,
 * upper case), or none when Smart Assessor has no such active course. A qualification
 * without one is "not supported": enrolment skips its aims.
 */
export async function refreshQualificationLinks(db: DataSource, client: Pick<SmartAssessorApi, 'listCourses'>): Promise<QualificationLinksRefresh> {
  const courseByReference = new Map<string, string>();
  for (const course of await client.listCourses()) {
    const reference = normaliseQualificationReference(course.qanCode);
    // Two active courses with one code: the first Smart Assessor lists is kept, so a refresh repeats.
    if (course.active && !courseByReference.has(reference)) courseByReference.set(reference, course.id);
  }

  return db.transaction(async (manager) => {
    const qualifications = await manager.getRepository(Qualification).find({ select: { id: true, reference: true, saCourseId: true }, order: { id: 'ASC' } });
    const counts: QualificationLinksRefresh = { linked: 0, unlinked: 0, unchanged: 0 };
    const ids: number[] = [];
    const courseIds: Array<string | null> = [];
    for (const qualification of qualifications) {
      const wanted = courseByReference.get(normaliseQualificationReference(qualification.reference)) ?? null;
      if (wanted === presentId(qualification.saCourseId)) {
        counts.unchanged += 1;
        continue;
      }
      counts[wanted === null ? 'unlinked' : 'linked'] += 1;
      ids.push(qualification.id);
      courseIds.push(wanted);
    }
    if (ids.length > 0) {
      await manager.query('UPDATE qualification q SET sa_course_id = v.course_id FROM unnest($1::int[], $2::varchar[]) AS v(id, course_id) WHERE q.id = v.id', [ids, courseIds]);
    }
    return counts;
  });
}
