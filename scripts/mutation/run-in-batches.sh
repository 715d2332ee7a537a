#!/usr/bin/env bash
# Runs StrykerJS over provider/ one group of files at a time, each group's reports in
# reports/mutation-batches/<group>/, so survivors of the first groups can be read (and killed) while
# the later ones run. `node scripts/mutation/score-table.mjs reports/mutation-batches/*/mutation.json`
# then prints the score per file. Extra arguments go to every `stryker run` (e.g. --ignoreStatic).
set -euo pipefail
cd "$(dirname "$0")/../.."

declare -A groups=(
  [1-create-delete]="provider/client-certificate-provider.ts,provider/issue-client-certificate.ts,provider/unrecorded-twins.ts,provider/create-ledger.ts"
  [2-transport]="provider/http-transport.ts,provider/retry-policy.ts,provider/rate-limit-gate.ts,provider/bounded-body.ts,provider/api-envelope.ts"
  [3-parsing]="provider/api-validation.ts,provider/client-certificate-fields.ts,provider/client-certificate-outputs.ts,provider/client-certificate-diff.ts,provider/client-certificate-inputs.ts,provider/csr.ts,provider/der-encoding.ts,provider/bounded-cache.ts,provider/identifiers.ts,provider/unknown.ts"
  [4a-client]="provider/cloudflare-client.ts,provider/errors.ts,provider/pagination.ts,provider/list-client-certificates.ts,provider/reactivate-client-certificate.ts,provider/operation-client-options.ts"
  [4b-credentials-adoption]="provider/credentials.ts,provider/adopt-client-certificate.ts,provider/adoption-registry.ts,provider/unrecorded-certificate-message.ts,provider/command-lines.ts,provider/delay.ts,provider/hidden-property.ts"
  [5-hostnames]="provider/hostname-association.ts,provider/hostname-association-diff.ts,provider/hostname-association-inputs.ts,provider/hostname-association-provider.ts,provider/hostname-association-state.ts,provider/hostname-association-sync.ts,provider/hostname-associations-client.ts,provider/hostnames.ts,provider/mtls-rule-expression.ts"
  [6-requests]="provider/certificate-request.ts,provider/certificate-request-provider.ts,provider/certificate-subject.ts,provider/key-generation.ts,provider/client-bundle.ts,provider/client-certificate.ts,provider/index.ts,provider/api-types.ts"
)

for group in $(printf '%s\n' "${!groups[@]}" | sort); do
  echo "=== $group $(date -u +%H:%M:%S)"
  STRYKER_REPORT_DIRECTORY="reports/mutation-batches/$group" npx stryker run --mutate "${groups[$group]}" "$@" || echo "=== $group failed"
done
echo "=== all groups done $(date -u +%H:%M:%S)"
