import { delegatingProvider } from "./delegating-provider";

/**
 * The one provider object of every {@link CertificateRequestProvider} resource's `__provider`: Pulumi serializes a
 * provider object once per program, and this module as a whole is what an installed package's
 * `__provider` refers to (see {@link delegatingProvider}). Nothing else belongs in this module.
 */
const provider = delegatingProvider("certificate-request-provider", "CertificateRequestProvider");
export = provider;
