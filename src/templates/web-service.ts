/** Starter checklist for an HTTP service. Every line is valid as written; edit the targets. */
export const webService = `# yaml-language-server: $schema=./node_modules/readiness/schemas/checklist.schema.json
#
# Production-readiness checklist for a web service.
# Run \`readiness audit\` to check it, \`readiness validate\` to lint it.
# Items with probes are verified by a machine; items with only a status are claims a person
# attests (\`readiness attest ID --by NAME\`) and are reported as unverified.
version: 1
name: My web service
owner: my-team

vars:
  # Override with BASE_URL=https://staging.example.com readiness audit
  base_url: \${env.BASE_URL:-http://localhost:8080}

defaults:
  timeout: 5s        # per probe attempt
  retries: 1         # one more try before a probe fails
  retry_delay: 1s

gate:
  go: 90             # score needed for GO
  conditional: 70    # below this: NO-GO
  blocking: [critical]

sections:
  - id: availability
    title: Availability
    items:
      - id: health-endpoint
        title: Health endpoint answers 200
        severity: critical
        probes:
          - http: \${vars.base_url}/health
            status: 200
            max_latency: 500ms
      - id: readiness-endpoint
        title: Readiness endpoint reports dependencies up
        severity: high
        probes:
          - http: \${vars.base_url}/ready
            status: [200, 204]

  - id: delivery
    title: Build and delivery
    items:
      - id: tests-pass
        title: Test suite passes
        severity: critical
        probes:
          - command: [npm, test]
            timeout: 5m
      - id: lockfile
        title: Dependencies pinned
        severity: high
        probes: [{ file: "{package-lock.json,yarn.lock,pnpm-lock.yaml}" }]
      - id: env-documented
        title: Configuration documented in .env.example
        severity: medium
        probes: [{ file: .env.example }]

  - id: operations
    title: Operations
    items:
      - id: runbook
        title: Runbook for the top alerts written
        severity: high
        status: missing          # done | partial | missing | in-progress | n/a
        # evidence: https://wiki.example.com/runbooks/my-service
        # attested_by: Your Name
        # attested_at: 2026-01-31
        # expires_after: 90d
      - id: on-call
        title: On-call rotation staffed
        severity: high
        status: missing
`;
