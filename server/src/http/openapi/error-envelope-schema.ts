import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../../../../contracts';

const errorCodeList = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

// Strict objects give the same JSON Schema for zod-openapi's input and output passes, so the
// document has one FieldProblem component instead of FieldProblem and FieldProblemOutput.

/** One entry of `error.details`, as `summarizeIssues` in the contracts builds it. */
const fieldProblemSchema = z
  .strictObject({
    field: z.string().describe('Dotted path of the failing input, such as `payload.items[2]` or `Idempotency-Key`.'),
    message: z.string().describe('What is wrong with this field and how to fix it.'),
  })
  .meta({ id: 'FieldProblem' })
  .describe('One failing input field.');

/**
 * Body of every REST error response, as `errorResponse` in the HTTP layer writes it. `code` lists
 * every key of `errorCodes`, so a code added to the contracts appears in the document too.
 */
export const errorEnvelopeSchema = z
  .strictObject({
    success: z.literal(false).describe('Always `false` for errors.'),
    error: z
      .strictObject({
        code: z.enum(errorCodeList).describe('Stable error code. Codes are part of the API: new ones may be added, existing ones are never renamed.'),
        message: z.string().describe('What failed and how to fix it, for people. Match on `code`, not on this text.'),
        details: z
          .array(fieldProblemSchema)
          .optional()
          .describe('The failing fields, present when the error concerns specific fields, as for most `VALIDATION_FAILED` and `IDEMPOTENCY_CONFLICT` errors.'),
        requestId: z.string().describe('Id of the request, also sent as the `x-request-id` header; it identifies the request in the server log.'),
      })
      .describe('The error.'),
  })
  .describe('Envelope of every error response.');
