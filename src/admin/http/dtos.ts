import { IsDefined, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

const ID_PATTERN = /^\s*\S.*$/;

/** PUT /api/learners/{ident}/smart-assessor-id */
export class SmartAssessorIdBody {
  @IsDefined({ message: 'is required: a Smart Assessor learner id, or null to clear it' })
  @ValidateIf((body: SmartAssessorIdBody) => body.smartAssessorId !== null)
  @IsString({ message: 'must be text or null' })
  @Matches(ID_PATTERN, { message: 'must not be blank (send null to clear it)' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  smartAssessorId: string | null;
}

/** PUT /api/organisations/{ref}/additional-id and /api/officers/{ref}/additional-id */
export class AdditionalIdBody {
  @IsDefined({ message: 'is required: a Smart Assessor id, or null to clear it' })
  @ValidateIf((body: AdditionalIdBody) => body.additionalId !== null)
  @IsString({ message: 'must be text or null' })
  @Matches(ID_PATTERN, { message: 'must not be blank (send null to clear it)' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  additionalId: string | null;
}
