import { IsBoolean, IsDefined, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

const ID_PATTERN = /^\s*\S.*$/;

/** A Smart Assessor id an admin sets on an MIS record (`what`, e.g. "a Smart Assessor id"), or null to clear it. */
function SmartAssessorIdOrNull(what: string): PropertyDecorator {
  const decorators = [
    IsDefined({ message: `is required: ${what}, or null to clear it` }),
    ValidateIf((_body: object, value: unknown) => value !== null),
    IsString({ message: 'must be text or null' }),
    Matches(ID_PATTERN, { message: 'must not be blank (send null to clear it)' }),
    MaxLength(64, { message: 'must be at most 64 characters' }),
  ];
  // Applied last to first, as stacked decorators are, so the constraints keep their order.
  return (target, property) => {
    for (const decorator of [...decorators].reverse()) decorator(target, property);
  };
}

/** PUT /api/learners/{ident}/smart-assessor-id */
export class SmartAssessorIdBody {
  @SmartAssessorIdOrNull('a Smart Assessor learner id') smartAssessorId: string | null;
}

/** PUT /api/organisations/{ref}/additional-id and /api/officers/{ref}/additional-id */
export class AdditionalIdBody {
  @SmartAssessorIdOrNull('a Smart Assessor id') additionalId: string | null;
}

/** POST /api/sync/runs: `{"dryRun": true}` for a dry run; no body, or `{}`, for a real one. */
export class StartRunBody {
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  dryRun?: boolean;
}
