/** The package's command-line program, as users type it after `npx`. */
export const PROGRAM = "pulumi-cloudflare-mtls";

/** The command that revokes `certificateIds` in `zoneId`, as an error message or `audit` tells a user to run it. */
export function revokeCommandLine(zoneId: string, certificateIds: readonly string[]): string {
  return `npx ${PROGRAM} revoke --zone ${zoneId} ${certificateIds.join(" ")}`;
}
