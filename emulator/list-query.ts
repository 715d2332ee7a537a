import type { ResultInfo } from "./envelope";
import { apiErrors } from "./errors";
import { CERTIFICATE_STATUSES, type CertificateStatus } from "./lifecycle";

export type StatusFilter = CertificateStatus | "all";

/** The query parameters of `GET .../client_certificates`, validated. */
export interface ListQuery {
  /** @default "all" (Cloudflare does not document its default; revoked certificates stay listed) */
  readonly status: StatusFilter;
  /** @default 1 */
  readonly page: number;
  /** 5 to 50 as Cloudflare's schema says. @default 20 */
  readonly perPage: number;
  /** Records skipped before paging. @default 0 */
  readonly offset: number;
  /** Cap on the records paged over, after `offset`. @default no cap */
  readonly limit: number | null;
}

export const PER_PAGE_DEFAULT = 20;
export const PER_PAGE_MIN = 5;
export const PER_PAGE_MAX = 50;

export function parseListQuery(params: URLSearchParams): ListQuery {
  const status = params.get("status") ?? "all";
  if (status !== "all" && !(CERTIFICATE_STATUSES as readonly string[]).includes(status)) {
    throw apiErrors.invalidListParameter("status", `must be one of all, ${CERTIFICATE_STATUSES.join(", ")}`);
  }
  return {
    status: status as StatusFilter,
    page: integerParam(params, "page", 1, 1, Number.MAX_SAFE_INTEGER),
    perPage: integerParam(params, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MIN, PER_PAGE_MAX),
    offset: integerParam(params, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
    limit: params.has("limit") ? integerParam(params, "limit", 0, 1, Number.MAX_SAFE_INTEGER) : null,
  };
}

/**
 * Filters by status, then takes the window [offset, offset + limit), then pages over that window.
 * A page past the end is empty (the SDK's auto-pagination relies on it to stop).
 */
export function paginate<T extends { readonly status: CertificateStatus }>(
  items: readonly T[],
  query: ListQuery,
): { page: T[]; resultInfo: ResultInfo } {
  const filtered = query.status === "all" ? items : items.filter((item) => item.status === query.status);
  const window = filtered.slice(query.offset, query.limit === null ? undefined : query.offset + query.limit);
  const start = (query.page - 1) * query.perPage;
  const page = window.slice(start, start + query.perPage);
  return {
    page,
    resultInfo: {
      page: query.page,
      per_page: query.perPage,
      count: page.length,
      total_count: window.length,
      total_pages: Math.ceil(window.length / query.perPage),
    },
  };
}

function integerParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw apiErrors.invalidListParameter(name, `must be ${range}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
