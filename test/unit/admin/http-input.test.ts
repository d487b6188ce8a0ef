import { expect } from 'chai';
import { ValidationFailedError } from '../../../src/failure-kinds.js';
import { sameSecret } from '../../../src/admin/auth/tokens.js';
import { SmartAssessorIdBody } from '../../../src/admin/http/dtos.js';
import { jsonBodyProblem, MAX_JSON_DEPTH } from '../../../src/admin/http/request-shape.js';
import { parsePaging, queryBoolean, queryText, validateBody } from '../../../src/admin/http/request-parsing.js';
import { isSameSitePath } from '../../../src/admin/pages.js';
import { containsAll, namedBinder, positionalBinder } from '../../../src/admin/search-terms.js';

function refusal(action: () => unknown): Record<string, string> {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationFailedError);
    return (error as ValidationFailedError).fields;
  }
  throw new Error('expected a ValidationFailedError');
}

describe('admin request input', () => {
  describe('parsePaging', () => {
    it('defaults to page 1 of 50 and accepts whole numbers within bounds', () => {
      expect(parsePaging({})).to.deep.equal({ page: 1, pageSize: 50 });
      expect(parsePaging({ page: '3', pageSize: '200' })).to.deep.equal({ page: 3, pageSize: 200 });
      expect(parsePaging({ pageSize: '5' }, { defaultPageSize: 20, maxPageSize: 100 })).to.deep.equal({ page: 1, pageSize: 5 });
    });

    it('names each bad parameter', () => {
      expect(refusal(() => parsePaging({ page: '0', pageSize: '201' }))).to.deep.equal({
        page: 'must be a whole number from 1 to 1000000',
        pageSize: 'must be a whole number from 1 to 200',
      });
      expect(refusal(() => parsePaging({ page: '1.5' }))).to.have.keys('page');
      expect(refusal(() => parsePaging({ page: ['1', '2'] }))).to.have.keys('page');
    });
  });

  describe('query text and booleans', () => {
    it('trims text, treats blank as absent, and refuses repeats and over-long values', () => {
      expect(queryText({ search: '  khan ' }, 'search')).to.equal('khan');
      expect(queryText({ search: '   ' }, 'search')).to.equal(undefined);
      expect(refusal(() => queryText({ search: ['a', 'b'] }, 'search'))).to.deep.equal({ search: 'must be given once, as text' });
      expect(refusal(() => queryText({ search: 'x'.repeat(201) }, 'search'))).to.deep.equal({ search: 'must be at most 200 characters' });
    });

    it('reads true and false only', () => {
      expect(queryBoolean({ eligible: 'true' }, 'eligible')).to.equal(true);
      expect(queryBoolean({ eligible: 'false' }, 'eligible')).to.equal(false);
      expect(queryBoolean({}, 'eligible')).to.equal(undefined);
      expect(refusal(() => queryBoolean({ eligible: 'yes' }, 'eligible'))).to.deep.equal({ eligible: 'must be true or false' });
    });
  });

  describe('validateBody', () => {
    it('gives the most basic reason per field', async () => {
      const reasons = async (body: unknown) => {
        try {
          await validateBody(SmartAssessorIdBody, body);
        } catch (error) {
          return (error as ValidationFailedError).fields;
        }
        return {};
      };
      expect(await reasons({ smartAssessorId: 12 })).to.deep.equal({ smartAssessorId: 'must be text or null' });
      expect(await reasons({})).to.deep.equal({ smartAssessorId: 'is required: a Smart Assessor learner id, or null to clear it' });
      expect(await reasons({ smartAssessorId: null })).to.deep.equal({});
      expect(await reasons('text')).to.deep.equal({ body: 'must be a JSON object' });
    });
  });

  describe('containsAll', () => {
    it('makes one LIKE per word, lower case, with LIKE wildcards escaped', () => {
      const parameters: unknown[] = [];
      expect(containsAll('expr', ' Amira  50%_off\\ ', positionalBinder(parameters))).to.equal('expr LIKE $1 AND expr LIKE $2');
      expect(parameters).to.deep.equal(['%amira%', '%50\\%\\_off\\\\%']);
      expect(containsAll('expr', '   ', positionalBinder([]))).to.equal(undefined);
    });

    it('binds named parameters for the query builder', () => {
      const parameters: Record<string, unknown> = {};
      expect(containsAll('expr', 'a b', namedBinder(parameters))).to.equal('expr LIKE :search1 AND expr LIKE :search2');
      expect(parameters).to.deep.equal({ search1: '%a%', search2: '%b%' });
    });
  });

  describe('sameSecret', () => {
    it('compares whole secrets of any length', () => {
      expect(sameSecret('token-abc', 'token-abc')).to.equal(true);
      expect(sameSecret('token-ab', 'token-abc')).to.equal(false);
      expect(sameSecret('', 'token-abc')).to.equal(false);
    });
  });

  describe('jsonBodyProblem', () => {
    it('names the first field or key holding a NUL character by its path', () => {
      expect(jsonBodyProblem({ learners: [{ learnerIdent: 'L1' }, { reviews: [{ notes: 'a\u0000b' }] }] })?.fields).to.deep.equal({
        'learners[1].reviews[0].notes': 'must not contain a NUL character (\\u0000)',
      });
      expect(jsonBodyProblem({ ['se\u0000arch']: 'x' })?.fields).to.have.keys('se\u0000arch');
      expect(jsonBodyProblem({ learners: [{ firstName: 'Amira', plannedOtjHours: 278, smartAssessorId: null }] })).to.equal(undefined);
    });

    it(`refuses the whole body when it nests deeper than ${MAX_JSON_DEPTH} objects and arrays`, () => {
      const nest = (depth: number): unknown => (depth === 1 ? {} : { a: nest(depth - 1) });
      expect(jsonBodyProblem(nest(MAX_JSON_DEPTH))).to.equal(undefined);
      expect(jsonBodyProblem(nest(MAX_JSON_DEPTH + 1))?.fields).to.have.keys('body');
      expect(jsonBodyProblem([[[[['deep enough']]]]])).to.equal(undefined);
    });
  });

  describe('isSameSitePath', () => {
    it('accepts paths on this site', () => {
      for (const next of ['/learners', '/learners/L000123?tab=history#top', '/admin/queues/queue/enrolment?status=failed', '/learners/L%20X']) {
        expect(isSameSitePath(next), next).to.equal(true);
      }
    });

    it('refuses what a browser would take off the site, encoded or not', () => {
      for (const next of [
        '//evil.example',
        '/\\evil.example',
        '/%5Cevil.example',
        '/%2F/evil.example',
        '/%252F%252Fevil.example',
        'https://evil.example',
        'javascript:alert(1)',
        'evil.example',
        '/\t/evil.example',
        '',
        '/%E0%A4%A',
      ]) {
        expect(isSameSitePath(next), next).to.equal(false);
      }
      expect(isSameSitePath(['/learners'])).to.equal(false);
    });
  });
});
