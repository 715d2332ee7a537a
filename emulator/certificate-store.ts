import type { CertificateAuthority, IssuedCertificate } from "./certificate-authority";
import type { CsrSubject } from "./certificate-signing-request";
import { formatApiTimestamp, type ClientCertificateResource } from "./client-certificate-resource";
import { settle, type CertificateStatus, type LifecycleDelays, type LifecycleState } from "./lifecycle";

/** What the store keeps for one issued certificate. */
export interface CertificateRecord {
  readonly zoneId: string;
  readonly id: string;
  /** The CSR as echoed by the API (CRLF line endings). */
  readonly csr: string;
  readonly subject: CsrSubject;
  readonly validityDays: number;
  readonly issued: IssuedCertificate;
  lifecycle: LifecycleState;
}

/** A snapshot of one stored certificate, for tests and the admin interface. */
export interface StoredCertificate {
  readonly zoneId: string;
  readonly id: string;
  readonly status: CertificateStatus;
  /** ISO time at which the current status was entered. */
  readonly statusChangedAt: string;
  readonly csr: string;
  readonly certificatePem: string;
  readonly serialNumber: string;
  readonly fingerprintSha256: string;
  readonly validityDays: number;
  readonly issuedOn: string;
  readonly expiresOn: string;
  /** Exactly what GET would return for this certificate now. */
  readonly resource: ClientCertificateResource;
}

/**
 * In-memory certificates, in creation order. Status transitions that have come due are applied
 * whenever a record is read, so every read sees the status Cloudflare would report at that moment.
 */
export class CertificateStore {
  readonly #records: CertificateRecord[] = [];
  readonly #delays: LifecycleDelays;
  readonly #now: () => number;

  constructor(delays: LifecycleDelays, now: () => number) {
    this.#delays = delays;
    this.#now = now;
  }

  add(record: CertificateRecord): void {
    this.#records.push(record);
  }

  /** A certificate by id within a zone; another zone's certificate is not found. */
  find(zoneId: string, id: string): CertificateRecord | undefined {
    const record = this.#records.find((candidate) => candidate.id === id && candidate.zoneId === zoneId);
    return record === undefined ? undefined : this.#settled(record);
  }

  findInAnyZone(id: string): CertificateRecord | undefined {
    const record = this.#records.find((candidate) => candidate.id === id);
    return record === undefined ? undefined : this.#settled(record);
  }

  /** All certificates (of one zone if given), oldest first. */
  list(zoneId?: string): CertificateRecord[] {
    return this.#records.filter((record) => zoneId === undefined || record.zoneId === zoneId).map((record) => this.#settled(record));
  }

  remove(id: string): boolean {
    const index = this.#records.findIndex((record) => record.id === id);
    if (index < 0) return false;
    this.#records.splice(index, 1);
    return true;
  }

  clear(): void {
    this.#records.length = 0;
  }

  #settled(record: CertificateRecord): CertificateRecord {
    record.lifecycle = settle(record.lifecycle, this.#now(), this.#delays);
    return record;
  }
}

export function toResource(record: CertificateRecord, ca: CertificateAuthority): ClientCertificateResource {
  return {
    id: record.id,
    certificate: record.issued.certificatePem,
    certificate_authority: { id: ca.id, name: ca.name },
    common_name: record.subject.commonName,
    country: record.subject.country,
    csr: record.csr,
    expires_on: formatApiTimestamp(record.issued.notAfter),
    fingerprint_sha256: record.issued.fingerprintSha256,
    issued_on: formatApiTimestamp(record.issued.notBefore),
    location: record.subject.location,
    organization: record.subject.organization,
    organizational_unit: record.subject.organizationalUnit,
    serial_number: record.issued.serialNumber,
    signature: ca.signature,
    ski: record.issued.ski,
    state: record.subject.state,
    status: record.lifecycle.status,
    validity_days: record.validityDays,
  };
}

export function toStoredCertificate(record: CertificateRecord, ca: CertificateAuthority): StoredCertificate {
  const resource = toResource(record, ca);
  return {
    zoneId: record.zoneId,
    id: record.id,
    status: record.lifecycle.status,
    statusChangedAt: new Date(record.lifecycle.changedAt).toISOString(),
    csr: record.csr,
    certificatePem: record.issued.certificatePem,
    serialNumber: record.issued.serialNumber,
    fingerprintSha256: record.issued.fingerprintSha256,
    validityDays: record.validityDays,
    issuedOn: resource.issued_on,
    expiresOn: resource.expires_on,
    resource,
  };
}
