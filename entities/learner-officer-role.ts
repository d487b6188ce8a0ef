import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Learner } from './learner.js';
import { Officer } from './officer.js';

/** An officer holding a named role (e.g. "IQA", "Second Assessor") on a learner. */
@Entity('learner_officer_role')
@Unique('learner_officer_role_learner_role_key', ['learnerId', 'role'])
export class LearnerOfficerRole {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'learner_id', type: 'int' })
  learnerId: number;

  @ManyToOne(() => Learner, (learner) => learner.officerRoles, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learner_id' })
  learner?: Relation<Learner>;

  @Column({ type: 'varchar', length: 64 })
  role: string;

  @Index()
  @Column({ name: 'officer_id', type: 'int' })
  officerId: number;

  @ManyToOne(() => Officer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'officer_id' })
  officer?: Relation<Officer>;
}
