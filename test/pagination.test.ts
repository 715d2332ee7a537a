import type { ApiClientCertificate, ApiResultInfo } from "../provider/api-types";
import { MAX_PEM_FIELD_CHARS } from "../provider/api-validation";
import { CloudflareApiError } from "../provider/errors";
import { afterPage, CertificateListing, LIST_PAGE_SLACK, MAX_LIST_PAGES, MAX_LISTED_CHARS, type PageFacts } from "../provider/pagination";
import { apiCertificate, pageOf, successEnvelope, withRawServer } from "./helpers/raw-server";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

/** result_info of page `page` of `totalCount` certificates, 50 per page, as Cloudflare sends it. */
function info(page: number, totalCount: number, overrides: Record<string, unknown> = {}): ApiResultInfo {
  return { page, per_page: 50, count: 50, total_count: totalCount, total_pages: Math.ceil(totalCount / 50), ...overrides } as ApiResultInfo;
}

/** A full page of 50 new certificates, page `page` of a listing. */
function fullPage(page: number, resultInfo: ApiResultInfo | undefined): PageFacts {
  return { page, requestedPerPage: 50, received: 50, fresh: 50, listed: page * 50, resultInfo };
}

describe("afterPage", () => {
  const cases: Array<{ name: string; facts: PageFacts; want: "page" | "done" | RegExp }> = [
    {
      name: "an empty page ends the listing, whatever result_info announces",
      facts: { ...fullPage(2, info(2, 5e10, { total_pages: 1e9 })), received: 0, fresh: 0, listed: 50 },
      want: "done",
    },
    {
      name: "a page whose ids were all listed before ends it",
      facts: { ...fullPage(2, info(2, 5e10, { total_pages: 1e9 })), fresh: 0, listed: 50 },
      want: "done",
    },
    { name: "a full page without result_info goes on", facts: fullPage(1, undefined), want: "page" },
    {
      name: "a short page without result_info ends it",
      facts: { ...fullPage(1, undefined), received: 30, fresh: 30, listed: 30 },
      want: "done",
    },
    {
      name: "a full page with total_pages null goes on while total_count is not reached",
      facts: fullPage(1, info(1, 150, { total_pages: null })),
      want: "page",
    },
    {
      name: "a full page without total_pages goes on while total_count is not reached",
      facts: fullPage(1, info(1, 150, { total_pages: undefined })),
      want: "page",
    },
    { name: "a full page does not end on total_pages alone", facts: fullPage(1, info(1, 150, { total_pages: 1 })), want: "page" },
    { name: "a full page that reaches total_count ends it, with no empty-page request", facts: fullPage(2, info(2, 100)), want: "done" },
    { name: "a full page with a total_count already passed before it goes on", facts: fullPage(2, info(2, 10)), want: "page" },
    { name: "a full page with total_count 0 goes on", facts: fullPage(1, info(1, 0)), want: "page" },
    { name: "a full page with a total_count that is not a whole number goes on", facts: fullPage(1, info(1, 50.5)), want: "page" },
    {
      name: "a short page goes on while total_pages announces more",
      facts: { ...fullPage(1, info(1, 150)), received: 30, fresh: 30, listed: 30 },
      want: "page",
    },
    {
      name: "a short page with total_pages null goes on while total_count is not reached",
      facts: { ...fullPage(1, info(1, 150, { total_pages: null })), received: 30, fresh: 30, listed: 30 },
      want: "page",
    },
    { name: "a short last page ends it", facts: { ...fullPage(3, info(3, 101)), received: 1, fresh: 1, listed: 101 }, want: "done" },
    {
      name: "a short page at total_pages ends it even when total_count is larger",
      facts: { ...fullPage(3, info(3, 150)), received: 20, fresh: 20, listed: 120 },
      want: "done",
    },
    {
      name: "a page of 20 is full when the server says it serves 20 per page",
      facts: { ...fullPage(1, info(1, 100, { per_page: 20, total_pages: 5 })), received: 20, fresh: 20, listed: 20 },
      want: "page",
    },
    {
      name: "a page of 20 is short when the server claims 500 per page",
      facts: { ...fullPage(1, info(1, 20, { per_page: 500, total_pages: 1 })), received: 20, fresh: 20, listed: 20 },
      want: "done",
    },
    {
      name: "a short last page ends it when total_pages is absent and total_count is reached",
      facts: { ...fullPage(3, info(3, 101, { total_pages: undefined })), received: 1, fresh: 1, listed: 101 },
      want: "done",
    },
    {
      name: "a page of 20 is short when the server says per_page 0, which is no page size",
      facts: { ...fullPage(1, info(1, 100, { per_page: 0, total_pages: 1 })), received: 20, fresh: 20, listed: 20 },
      want: "done",
    },
    {
      name: "pages of 1 are full when the server serves 1 per page, within the pages total_count allows",
      facts: { ...fullPage(4, info(4, 3, { per_page: 1, total_pages: 1e9 })), received: 1, fresh: 1, listed: 4 },
      want: "page",
    },
    {
      name: "a page of 50 is full although the server claims 500 per page",
      facts: fullPage(1, info(1, 100, { per_page: 500, total_pages: 1 })),
      want: "page",
    },
    {
      name: "a full page of 20 reaching total_count ends it when the server serves 20 per page",
      facts: { ...fullPage(5, info(5, 100, { per_page: 20, total_pages: 1e9 })), received: 20, fresh: 20, listed: 100 },
      want: "done",
    },
    {
      name: "a negative total_count is no count: full pages go on",
      facts: fullPage(2, info(2, -5)),
      want: "page",
    },
    {
      name: "a total_count of 0 is a count: full pages fail past the slack it allows",
      facts: fullPage(LIST_PAGE_SLACK, info(LIST_PAGE_SLACK, 0)),
      want: /past the 2 pages allowed for the 0 certificates its result_info reports/,
    },
    {
      name: "full pages of new ids under total_pages 1e9 go on up to MAX_LIST_PAGES",
      facts: fullPage(MAX_LIST_PAGES - 1, info(MAX_LIST_PAGES - 1, 5e10, { total_pages: 1e9 })),
      want: "page",
    },
    {
      name: "full pages of new ids under total_pages 1e9 and total_count 1e12 fail at MAX_LIST_PAGES",
      facts: { ...fullPage(MAX_LIST_PAGES, info(MAX_LIST_PAGES, 1e12, { total_pages: 1e9 })), listed: 49_000 },
      want: /^the listing did not end after 1000 pages \(49000 distinct certificates; .*\), past the 1000 pages \(MAX_LIST_PAGES, 50000 certificates\) no zone fills; the listing is refused rather than returned incomplete: check that CLOUDFLARE_BASE_URL/,
    },
    {
      name: "full pages without result_info fail at MAX_LIST_PAGES",
      facts: fullPage(MAX_LIST_PAGES, undefined),
      want: /did not end after 1000 pages/,
    },
    {
      name: "short pages announcing more go on within what total_count accounts for",
      facts: { ...fullPage(3, info(3, 100, { total_pages: 1e9 })), received: 10, fresh: 10, listed: 30 },
      want: "page",
    },
    {
      name: "short pages announcing more fail past what total_count accounts for",
      facts: { ...fullPage(2 + LIST_PAGE_SLACK, info(4, 100, { total_pages: 1e9 })), received: 10, fresh: 10, listed: 40 },
      want: /^the listing did not end after 4 pages \(40 distinct certificates; .*\), past the 4 pages allowed for the 100 certificates its result_info reports \(2 of 50, plus 2 for certificates created meanwhile\)/,
    },
  ];
  test.each(cases)("$name", ({ facts, want }) => {
    const decision = afterPage(facts);
    if (want instanceof RegExp) {
      expect(decision.next).toBe("fail");
      expect(decision.next === "fail" ? decision.reason : "").toMatch(want);
    } else {
      expect(decision).toEqual({ next: want });
    }
  });
});

describe("CertificateListing", () => {
  test("refuses a listing whose certificates hold more than MAX_LISTED_CHARS characters", () => {
    // One string shared by every certificate: counted per certificate, stored once, so the test stays small.
    const longest = "x".repeat(MAX_PEM_FIELD_CHARS);
    const page = (number: number): ApiClientCertificate[] =>
      Array.from(
        { length: 50 },
        (_, index) => ({ ...apiCertificate(number * 50 + index), certificate: longest, csr: longest }) as unknown as ApiClientCertificate,
      );
    const listing = new CertificateListing(50, `listing client certificates in zone ${zoneId}`);
    const pagesWithin = Math.floor(MAX_LISTED_CHARS / (50 * 2 * MAX_PEM_FIELD_CHARS));
    for (let number = 1; number <= pagesWithin; number++) expect(listing.add(number, page(number), undefined)).toBe("next page");
    expect(() => listing.add(pagesWithin + 1, page(pagesWithin + 1), undefined)).toThrow(
      new RegExp(
        `^listing client certificates in zone ${zoneId}: the ${(pagesWithin + 1) * 50} certificates of the first ${pagesWithin + 1} pages hold \\d+ characters, more than the ${MAX_LISTED_CHARS} \\(MAX_LISTED_CHARS\\)`,
      ),
    );
  });

  test("refuses a page with more certificates than the per_page asked for", () => {
    const listing = new CertificateListing(50, `listing client certificates in zone ${zoneId}`);
    const page = Array.from({ length: 51 }, (_, index) => apiCertificate(index)) as unknown as ApiClientCertificate[];
    expect(() => listing.add(1, page, undefined)).toThrow(
      new CloudflareApiError(
        `listing client certificates in zone ${zoneId}: Cloudflare broke its API contract: expected at most 50 certificates on page 1 (per_page), got 51`,
      ),
    );
  });

  test("a null field holds no text: the page is taken", () => {
    const listing = new CertificateListing(50, "listing");
    const withNull = { ...apiCertificate(1), certificate_authority: null } as unknown as ApiClientCertificate;
    expect(listing.add(1, [withNull], undefined)).toBe("done");
  });

  test("counts the strings inside nested objects (the CA's name) toward MAX_LISTED_CHARS", () => {
    const longest = "x".repeat(MAX_PEM_FIELD_CHARS);
    const page = (number: number): ApiClientCertificate[] =>
      Array.from(
        { length: 50 },
        (_, index) =>
          ({
            ...apiCertificate(number * 50 + index),
            certificate: longest,
            csr: longest,
            certificate_authority: { id: "ca", name: longest },
          }) as unknown as ApiClientCertificate,
      );
    const listing = new CertificateListing(50, "listing");
    const pagesWithin = Math.floor(MAX_LISTED_CHARS / (50 * 3 * MAX_PEM_FIELD_CHARS));
    for (let number = 1; number <= pagesWithin; number++) listing.add(number, page(number), undefined);
    expect(() => listing.add(pagesWithin + 1, page(pagesWithin + 1), undefined)).toThrow(/\(MAX_LISTED_CHARS\)/);
  });

  test("holds exactly MAX_LISTED_CHARS characters, and refuses one more", () => {
    const longest = "x".repeat(MAX_PEM_FIELD_CHARS);
    const certificate = (index: number, text: string): ApiClientCertificate =>
      ({ ...apiCertificate(index), certificate: text, csr: "" }) as unknown as ApiClientCertificate;
    const chars = (record: ApiClientCertificate): number =>
      Object.values(record).reduce<number>((sum, value) => sum + (typeof value === "string" ? value.length : 0), 0);
    const build = (extra: number): CertificateListing => {
      const listing = new CertificateListing(50, "listing");
      let held = 0;
      let index = 0;
      for (let number = 1; held + 50 * chars(certificate(0, longest)) <= MAX_LISTED_CHARS; number++) {
        const page = Array.from({ length: 50 }, () => certificate(index++, longest));
        listing.add(number, page, undefined);
        held += page.reduce((sum, record) => sum + chars(record), 0);
      }
      const rest = MAX_LISTED_CHARS - held - chars(certificate(index, ""));
      listing.add(1_000, [certificate(index, "y".repeat(rest + extra))], undefined);
      return listing;
    };
    expect(() => build(0)).not.toThrow();
    expect(() => build(1)).toThrow(/\(MAX_LISTED_CHARS\)/);
  });

  test("a full first page holding every certificate result_info counts ends the listing", () => {
    const listing = new CertificateListing(50, "listing");
    const page = Array.from({ length: 50 }, (_, index) => apiCertificate(index)) as unknown as ApiClientCertificate[];
    expect(listing.add(1, page, info(1, 50))).toBe("done");
  });

  test("counts a certificate listed twice once", () => {
    const listing = new CertificateListing(50, "listing");
    const certificates = [apiCertificate(1), apiCertificate(2), apiCertificate(1)] as unknown as ApiClientCertificate[];
    expect(listing.add(1, certificates, undefined)).toBe("done");
    expect(listing.certificates.map((certificate) => certificate.id)).toEqual([apiCertificate(1)["id"], apiCertificate(2)["id"]]);
  });
});

describe("listClientCertificates against a server that announces more pages (issue 8 item 10)", () => {
  const sameFifty = Array.from({ length: 50 }, (_, index) => apiCertificate(index));

  test("stops on the second page when a server repeats the same 50 certificates under total_pages 1e9", async () => {
    await withRawServer(
      (request, response) =>
        response.end(successEnvelope(sameFifty, { page: pageOf(request), per_page: 50, count: 50, total_count: 5e10, total_pages: 1e9 })),
      async (server) => {
        const all = await server.client().listClientCertificates(zoneId);
        expect(all.map((certificate) => certificate.id)).toEqual(sameFifty.map((certificate) => certificate["id"]));
        expect(server.requests).toEqual(
          [1, 2].map((page) => `GET /client/v4/zones/${zoneId}/client_certificates?page=${page}&per_page=50`),
        );
      },
    );
  });

  test("stops on the second page when a server repeats full pages without result_info", async () => {
    await withRawServer(
      (_request, response) => response.end(successEnvelope(sameFifty)),
      async (server) => {
        expect(await server.client().listClientCertificates(zoneId)).toHaveLength(50);
        expect(server.requests).toHaveLength(2);
      },
    );
  });

  test("fails after MAX_LIST_PAGES requests when every page brings 50 new certificates under total_pages 1e9", async () => {
    await withRawServer(
      (request, response) => {
        const page = pageOf(request);
        const certificates = Array.from({ length: 50 }, (_, index) => apiCertificate(page * 50 + index));
        response.end(successEnvelope(certificates, { page, per_page: 50, count: 50, total_count: 1e12, total_pages: 1e9 }));
      },
      async (server) => {
        const error = await server
          .client()
          .listClientCertificates(zoneId)
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^listing client certificates in zone ${zoneId}: the listing did not end after 1000 pages \\(50000 distinct certificates; .*\\), past the 1000 pages \\(MAX_LIST_PAGES, 50000 certificates\\) no zone fills`,
          ),
        );
        expect(server.requests).toHaveLength(MAX_LIST_PAGES);
      },
    );
  }, 60_000);

  test("does not stop early when total_pages is null: follows full pages to the empty one", async () => {
    await withRawServer(
      (request, response) => {
        const page = pageOf(request);
        const certificates = page <= 3 ? Array.from({ length: 50 }, (_, index) => apiCertificate(page * 50 + index)) : [];
        response.end(
          successEnvelope(certificates, { page, per_page: 50, count: certificates.length, total_count: 1000, total_pages: null }),
        );
      },
      async (server) => {
        expect(await server.client().listClientCertificates(zoneId)).toHaveLength(150);
        expect(server.requests).toHaveLength(4);
      },
    );
  });

  test("lists each certificate once when pages overlap", async () => {
    await withRawServer(
      (request, response) => {
        const page = pageOf(request);
        const certificates = page <= 2 ? Array.from({ length: 50 }, (_, index) => apiCertificate((page - 1) * 25 + index)) : [];
        response.end(successEnvelope(certificates));
      },
      async (server) => {
        const ids = (await server.client().listClientCertificates(zoneId)).map((certificate) => certificate.id);
        expect(ids).toEqual(Array.from({ length: 75 }, (_, index) => apiCertificate(index)["id"]));
        expect(server.requests).toHaveLength(3);
      },
    );
  });
});
