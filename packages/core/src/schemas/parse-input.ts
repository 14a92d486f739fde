import { Either } from "effect";
import type { z } from "zod";
import { type FieldIssue, ValidationFailed } from "../domain/errors.js";

/** Turns zod issues into field issues, each naming the offending field by its dotted path. */
export const fieldIssuesOf = (error: z.ZodError): FieldIssue[] =>
  error.issues.flatMap((issue): FieldIssue[] => {
    const at = issue.path.map(String);
    // An unknown key is the offending field itself: name it, not its parent object.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: [...at, key].join("."),
        message: "is not a field of this operation",
      }));
    }
    return [{ field: at.join("."), message: issue.message }];
  });

/** Validates an input once, at the edge: the parsed value or VALIDATION_FAILED naming the fields (X4). */
export const parseInput = <S extends z.ZodType>(
  schema: S,
  input: unknown,
): Either.Either<z.output<S>, ValidationFailed> => {
  const result = schema.safeParse(input);
  return result.success
    ? Either.right(result.data)
    : Either.left(ValidationFailed.of(fieldIssuesOf(result.error)));
};
