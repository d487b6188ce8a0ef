import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An employer in the MIS. `additionalId` is the Smart Assessor employer id, blank until linked or created. */
@Entity('organisation')
export class Organisation {
  @PrimaryGeneratedColumn()
  id: number;

  /** The MIS's own stable key (the Smart Assessor `misReference`). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  ref: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone: string | null;

  @Column({ name: 'edrs_number', type: 'varchar', length: 20, nullable: true })
  edrsNumber: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address1: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address2: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address3: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  address4: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  postcode: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  website: string | null;

  @Column({ name: 'employer_size', type: 'varchar', length: 50, nullable: true })
  employerSize: string | null;

  @Index('organisation_additional_id_key', { unique: true, where: 'additional_id IS NOT NULL' })
  @Column({ name: 'additional_id', type: 'varchar', length: 64, nullable: true })
  additionalId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
