import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Learner } from './learner.js';

@Entity('break_in_learning')
@Check('break_in_learning_dates_check', 'return_date IS NULL OR return_date > last_day_in_learning')
@Unique('break_in_learning_learner_day_key', ['learnerId', 'lastDayInLearning'])
export class BreakInLearning {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'learner_id', type: 'int' })
  learnerId: number;

  @ManyToOne(() => Learner, (learner) => learner.breaksInLearning, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learner_id' })
  learner?: Relation<Learner>;

  @Column({ name: 'last_day_in_learning', type: 'date' })
  lastDayInLearning: string;

  /** Blank while the break is open. */
  @Column({ name: 'return_date', type: 'date', nullable: true })
  returnDate: string | null;
}
