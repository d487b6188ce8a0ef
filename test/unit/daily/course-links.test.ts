import { expect } from 'chai';
import { linkedAfterTakeovers } from '../../../src/daily/course-links.js';

const aim = (id: number, saLearnerCourseId: string | null, restartOfId: number | null = null) => ({
  id,
  aimRef: `L1-${id}`,
  saLearnerCourseId,
  restartOfId,
  elementsDone: null,
  elementsTotal: null,
});

describe('daily: the aims linked to SA courses once restarts take theirs over', () => {
  it('gives the restart aim the course of the aim it restarts, and takes it from that aim', () => {
    const linked = linkedAfterTakeovers([aim(1, 'lc-1'), aim(2, 'lc-2'), aim(3, null, 1)]);
    expect(linked.map((row) => [row.id, row.saLearnerCourseId])).to.deep.equal([
      [2, 'lc-2'],
      [3, 'lc-1'],
    ]);
  });

  it('follows a chain of restarts to its last aim', () => {
    const linked = linkedAfterTakeovers([aim(1, 'lc-1'), aim(2, null, 1), aim(3, null, 2)]);
    expect(linked.map((row) => [row.id, row.saLearnerCourseId])).to.deep.equal([[3, 'lc-1']]);
  });

  it('leaves a restart that already has a course of its own, and aims without courses, as they are', () => {
    const linked = linkedAfterTakeovers([aim(1, 'lc-1'), aim(2, 'lc-9', 1), aim(3, null), aim(4, '  ')]);
    expect(linked.map((row) => [row.id, row.saLearnerCourseId])).to.deep.equal([
      [1, 'lc-1'],
      [2, 'lc-9'],
    ]);
  });

  it('does not change the aims it is given', () => {
    const aims = [aim(1, 'lc-1'), aim(2, null, 1)];
    linkedAfterTakeovers(aims);
    expect(aims.map((row) => row.saLearnerCourseId)).to.deep.equal(['lc-1', null]);
  });
});
