import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('review_type')
export class ReviewType {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;
}
