import type { ApiClientCertificate, ApiResultInfo } from "./api-types";
import { CloudflareApiError } from "./errors";

/**
 * Most pages one listing follows, whatever `result_info` claims: 1,000 pages of 50 are 50,000
 * certificates, far more than a zone holds. Past it the listing fails rather than return a
 * truncated list, and memory stays bounded.
 */
export const MAX_LIST_PAGES = 1_000;

/**
 * Pages followed beyond those `result_info.total_count` accounts for, for certificates created
 * while the listing runs.
 */
export const LIST_PAGE_SLACK = 2;

/**
 * Most text (the sum of the string fields' lengths) the certificates of one listing may hold:
 * 256 Mi characters. 50,000 real certificates (the page cap) hold about 100 to 200 Mi, so the
 * page cap binds first on real data; this bounds memory when every field is at its length limit.
 */
export const MAX_LISTED_CHARS = 256 * 1024 * 1024;

/** What one page of a listing looked like. */
export interface PageFacts {
  /** Number of the page just received, from 1. */
  page: number;
  /** The `per_page` the request asked for. */
  requestedPerPage: number;
  /** Certificates on the page. */
  received: number;
  /** Certificates on the page whose id was not listed before. */
  fresh: number;
  /** Distinct certificates listed so far, this page included. */
  listed: number;
  resultInfo: ApiResultInfo | undefined;
}

/** Whether to request the next page, return the listing, or refuse it with `reason`. */
export type PageDecision = { next: "page" } | { next: "done" } | { next: "fail"; reason: string };

/** The numbers of `result_info` that can be trusted as numbers; `undefined` without a usable total. */
interface Announced {
  totalCount: number;
  totalPages: number | undefined;
  pageSize: number;
}

function announced(info: ApiResultInfo | undefined, requestedPerPage: number): Announced | undefined {
  const count = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
  if (info === undefined || !count(info.total_count)) return undefined;
  // A server may serve fewer per page than asked (never more than Cloudflare's 50): full is what it says it serves.
  const pageSize = count(info.per_page) && info.per_page >= 1 && info.per_page <= requestedPerPage ? info.per_page : requestedPerPage;
  return { totalCount: info.total_count, totalPages: count(info.total_pages) ? info.total_pages : undefined, pageSize };
}

/**
 * Decides, after each page, whether a listing goes on. It ends on an empty page, on a page
 * whose ids were all listed before, and on a short page unless `result_info` announces more. A
 * full page ends it only when the certificates listed reach `total_count` (so no trailing
 * empty-page request), never on `total_pages` alone, which may be missing, null or wrong. Going
 * on past {@link MAX_LIST_PAGES}, or `LIST_PAGE_SLACK` pages past what `total_count` accounts
 * for, fails: such a listing never ends.
 */
export function afterPage({ page, requestedPerPage, received, fresh, listed, resultInfo }: PageFacts): PageDecision {
  // An empty page has no new ids either.
  if (fresh === 0) return { next: "done" };
  const info = announced(resultInfo, requestedPerPage);
  const pageSize = info?.pageSize ?? requestedPerPage;
  if (received < pageSize) {
    const more = info !== undefined && (info.totalPages === undefined ? listed < info.totalCount : page < info.totalPages);
    if (!more) return { next: "done" };
  } else if (info !== undefined && listed >= info.totalCount && info.totalCount > listed - fresh) {
    // The total is reached on this page (a total already reached before it is stale: ignore it).
    return { next: "done" };
  }
  const counted = info === undefined ? MAX_LIST_PAGES : Math.ceil(info.totalCount / pageSize) + LIST_PAGE_SLACK;
  const limit = Math.min(counted, MAX_LIST_PAGES);
  if (page < limit) return { next: "page" };
  const why =
    limit === MAX_LIST_PAGES
      ? `the ${MAX_LIST_PAGES} pages (MAX_LIST_PAGES, ${MAX_LIST_PAGES * requestedPerPage} certificates) no zone fills`
      : `the ${limit} pages allowed for the ${info?.totalCount} certificates its result_info reports (${limit - LIST_PAGE_SLACK} of ${pageSize}, plus ${LIST_PAGE_SLACK} for certificates created meanwhile)`;
  return {
    next: "fail",
    reason: `the listing did not end after ${page} pages (${listed} distinct certificates; pages still full or result_info announcing more), past ${why}${REFUSED}`,
  };
}

const REFUSED =
  "; the listing is refused rather than returned incomplete: check that CLOUDFLARE_BASE_URL (or cloudflare:baseUrl) points at the Cloudflare API";

/** Sum of the lengths of a certificate's strings: a measure of the memory it holds. */
function textLength(record: object): number {
  let length = 0;
  for (const value of Object.values(record)) {
    if (typeof value === "string") length += value.length;
    else if (typeof value === "object" && value !== null) length += textLength(value);
  }
  return length;
}

/**
 * Collects the pages of one listing: refuses pages larger than asked for, keeps each id once,
 * bounds the text held, and says after each page whether to go on ({@link afterPage}).
 */
export class CertificateListing {
  private readonly byId: Map<string, ApiClientCertificate>;
  private chars: number;

  /** @param operation what the listing is, for error messages: "listing client certificates in zone 023e…" */
  constructor(
    private readonly requestedPerPage: number,
    private readonly operation: string,
  ) {
    // Set here, not as field initializers: Pulumi's closure serializer rebuilds a class from its
    // constructor's text, so initializers outside it are lost in a provider serialized by value.
    this.byId = new Map();
    this.chars = 0;
  }

  /** The distinct certificates listed so far, in the order first seen. */
  get certificates(): ApiClientCertificate[] {
    return [...this.byId.values()];
  }

  /**
   * Adds page number `page` and says whether to request the next one. Throws
   * {@link CloudflareApiError} when the listing passes a limit.
   */
  add(page: number, certificates: readonly ApiClientCertificate[], resultInfo: ApiResultInfo | undefined): "next page" | "done" {
    // Larger pages would let a listing hold more objects than MAX_LIST_PAGES pages of the size asked for.
    if (certificates.length > this.requestedPerPage) {
      throw new CloudflareApiError(
        `${this.operation}: Cloudflare broke its API contract: expected at most ${this.requestedPerPage} certificates on page ${page} (per_page), got ${certificates.length}`,
      );
    }
    let fresh = 0;
    for (const certificate of certificates) {
      if (this.byId.has(certificate.id)) continue;
      this.byId.set(certificate.id, certificate);
      this.chars += textLength(certificate);
      fresh++;
    }
    if (this.chars > MAX_LISTED_CHARS) {
      throw new CloudflareApiError(
        `${this.operation}: the ${this.byId.size} certificates of the first ${page} pages hold ${this.chars} characters, ` +
          `more than the ${MAX_LISTED_CHARS} (MAX_LISTED_CHARS) a listing may hold${REFUSED}`,
      );
    }
    const decision = afterPage({
      page,
      requestedPerPage: this.requestedPerPage,
      received: certificates.length,
      fresh,
      listed: this.byId.size,
      resultInfo,
    });
    if (decision.next === "fail") throw new CloudflareApiError(`${this.operation}: ${decision.reason}`);
    return decision.next === "page" ? "next page" : "done";
  }
}
