// Types of the generated validator (spec/generated/validate-schema.js).
import type { ErrorObject } from 'ajv';
export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
export declare const validate: GeneratedValidator;
export default validate;
export declare const dexSchema: Record<string, unknown>;
