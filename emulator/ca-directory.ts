import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CertificateAuthority } from "./certificate-authority";

export const CA_CERTIFICATE_FILE = "ca.pem";
export const CA_KEY_FILE = "ca-key.pem";

/**
 * Loads the CA kept in `directory`, or creates one there, so that an emulator restarted with the
 * same directory keeps issuing certificates that chain to the CA its users already trust.
 */
export async function loadOrCreateCaDirectory(
  directory: string,
): Promise<{ ca: CertificateAuthority; certificatePath: string; created: boolean }> {
  const certificatePath = join(directory, CA_CERTIFICATE_FILE);
  const keyPath = join(directory, CA_KEY_FILE);
  const [certificatePem, privateKeyPem] = await Promise.all([readIfPresent(certificatePath), readIfPresent(keyPath)]);
  if (certificatePem !== undefined && privateKeyPem !== undefined) {
    return { ca: await CertificateAuthority.fromPem({ certificatePem, privateKeyPem }), certificatePath, created: false };
  }
  if (certificatePem !== undefined || privateKeyPem !== undefined) {
    throw new Error(`${directory} holds only one of ${CA_CERTIFICATE_FILE} and ${CA_KEY_FILE}; restore the other or remove both`);
  }
  const ca = await CertificateAuthority.generate();
  const pem = await ca.toPem();
  await mkdir(directory, { recursive: true });
  await writeFile(keyPath, `${pem.privateKeyPem}\n`, { mode: 0o600, flag: "wx" });
  await writeFile(certificatePath, `${pem.certificatePem}\n`, { flag: "wx" });
  return { ca, certificatePath, created: true };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
