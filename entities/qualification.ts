import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The qualification catalogue. A blank `saCourseId` means Smart Assessor does not support it. */
@Entity('qualification')
export class Qualification {
  @PrimaryGeneratedColumn()
  id: number;

  /** QAN, LARS aim or standard reference, as the MIS holds it (may contain '/'). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  reference: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ name: 'sa_course_id', type: 'varchar', length: 64, nullable: true })
  saCourseId: string | null;
}
