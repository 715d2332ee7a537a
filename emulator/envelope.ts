import type { ErrorEntry } from "./errors";

/** `result_info` of list responses. */
export interface ResultInfo {
  readonly page: number;
  readonly per_page: number;
  readonly count: number;
  readonly total_count: number;
  readonly total_pages: number;
}

/** The envelope Cloudflare wraps around every v4 response, successful or not. */
export interface Envelope<T> {
  readonly success: boolean;
  readonly errors: readonly ErrorEntry[];
  readonly messages: readonly ErrorEntry[];
  readonly result: T | null;
  readonly result_info?: ResultInfo;
}

export function successEnvelope<T>(result: T, resultInfo?: ResultInfo): Envelope<T> {
  return resultInfo === undefined
    ? { success: true, errors: [], messages: [], result }
    : { success: true, errors: [], messages: [], result, result_info: resultInfo };
}

export function failureEnvelope(errors: readonly ErrorEntry[]): Envelope<never> {
  return { success: false, errors, messages: [], result: null };
}
