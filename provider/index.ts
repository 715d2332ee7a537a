export { ClientCertificate, type ClientCertificateArgs } from "./client-certificate";
export { ClientCertificateProvider, type ClientCertificateProviderOptions } from "./client-certificate-provider";
export type { ClientCertificateInputs } from "./client-certificate-inputs";
export { MAX_VALIDITY_DAYS } from "./client-certificate-inputs";
export type { ClientCertificateOutputs } from "./client-certificate-outputs";
export { listClientCertificates, type ListedClientCertificate } from "./list-client-certificates";
export { CloudflareClient, type CloudflareClientOptions, type ClientCertificatePage } from "./cloudflare-client";
export { issueClientCertificate, type IssueOptions } from "./issue-client-certificate";
export type { ConnectionSettings, Credentials } from "./credentials";
export { DEFAULT_BASE_URL } from "./credentials";
export type { TransportOptions } from "./http-transport";
export type { RetryPolicy } from "./retry-policy";
export { DEFAULT_RETRY_POLICY } from "./retry-policy";
export {
  AdoptionError,
  AuthenticationError,
  CloudflareApiError,
  ConfigurationError,
  ContractViolationError,
  IssuedWithErrorsError,
  NotFoundError,
  RateLimitedError,
  UncertainOutcomeError,
} from "./errors";
export type { ApiClientCertificate, CertificateStatus, CertificateStatusFilter } from "./api-types";
export { CertificateRequest, type CertificateRequestArgs, type CertificateSubjectArgs } from "./certificate-request";
export { CertificateRequestProvider, type CertificateRequestInputs, type CertificateRequestOutputs } from "./certificate-request-provider";
export type { CertificateSubject } from "./certificate-subject";
export { generateKeyAndCsr, keyAlgorithms, type KeyAlgorithm, type KeyAndCsr, type KeyAndCsrRequest } from "./key-generation";
export { certificateChainPem, clientBundle, clientBundlePem, type ClientBundleParts } from "./client-bundle";
export { HostnameAssociation, type HostnameAssociationArgs } from "./hostname-association";
export { HostnameAssociationProvider, type HostnameAssociationProviderOptions } from "./hostname-association-provider";
export type { HostnameAssociationInputs, HostnameAssociationOutputs } from "./hostname-association-inputs";
export { HostnameAssociationsClient } from "./hostname-associations-client";
export { ConcurrentModificationError, type SyncOptions } from "./hostname-association-sync";
export { mtlsRuleExpression, quoteRuleString, MAX_RULE_EXPRESSION_LENGTH, type MtlsRuleOptions } from "./mtls-rule-expression";
