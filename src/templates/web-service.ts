/** Starter checklist for an HTTP service. Every line is valid as written; edit the targets. */
export const webService = `# yaml-language-server: $schema=./node_modules/readiness-cli/schemas/checklist.schema.json
#
# Production-readiness checklist for a web service (HTTP API or website).
#
#   readiness validate              lint this file (nothing is run)
#   readiness audit                 run the probes, score, verdict (exit 1 on NO-GO)
#   readiness audit --env staging   the same checks against staging
#   readiness audit --wait 5m       after a deploy: retry failing probes until GO, for up to 5 minutes
#
# Items with probes are verified by a machine. Items with only a status are claims a person
# attests (\`readiness attest ID --by NAME --evidence URL\`); the report counts them as unverified.
# The sections follow common launch-review practice: is it up, can we see it, can we ship and
# roll back, is it safe, can people operate it at 3 a.m.
version: 1
name: My web service
owner: my-team

# A platform team can keep the shared items in one baseline that every service extends:
# extends: [./baseline.yaml]            # or an npm package: [@acme/readiness-baseline]

vars:
  # BASE_URL=http://localhost:3000 readiness audit, or --var base_url=..., or --env below.
  base_url: \${env.BASE_URL:-http://localhost:8080}
  # The database and cache this service needs (the password comes from the environment, masked in every output).
  database_url: postgresql://app:\${env.PGPASSWORD:-app}@localhost:5432/app
  redis_url: redis://localhost:6379

environments:
  staging:
    vars: { base_url: https://staging.example.com }
  production:
    vars: { base_url: https://www.example.com }
    gate: { go: 95, blocking: [critical, high] }   # stricter before real users see it

defaults:
  timeout: 5s        # per probe attempt
  retries: 1         # one more try before a probe fails
  retry_delay: 1s

gate:
  go: 90             # score needed for GO
  conditional: 70    # below this: NO-GO
  blocking: [critical]
  verified: 50       # verified score (credit from passing probes) needed for GO; 0 accepts claims alone
  contradicted: conditional   # a claim its probes contradict: block | conditional | ignore
  flaky: warn        # a probe that passed only on a retry: warn (listed as flaky) | fail

sections:
  - id: availability
    title: Availability
    items:
      - id: health-endpoint
        title: Health endpoint answers 200 quickly
        severity: critical
        probes:
          - http: \${vars.base_url}/health
            status: 200
            max_latency: 500ms
      - id: readiness-endpoint
        title: Readiness endpoint reports its dependencies up
        severity: high
        probes:
          - http: \${vars.base_url}/ready
            status: [200, 204]
      - id: database
        title: Database accepts connections and answers a query
        severity: critical
        probes:
          - postgres: \${vars.database_url}      # or mysql: mysql://app:...@localhost:3306/app
            # query: SELECT count(*) FROM schema_migrations
            # expect: { gte: 1 }
      - id: cache
        title: Cache answers PING
        severity: high
        probes:
          - redis: \${vars.redis_url}
      # One item per dependency, written once (matrix). Edit the list; ids become dependency-NAME.
      # - id: dependency-\${matrix.name}
      #   title: \${matrix.name} reachable from this host
      #   severity: critical
      #   matrix:
      #     - { name: postgres, addr: "localhost:5432" }
      #     - { name: redis, addr: "localhost:6379" }
      #   probes: [{ tcp: "\${matrix.addr}" }]

  - id: observability
    title: Observability
    items:
      - id: metrics-endpoint
        title: Metrics are exported for scraping
        severity: high
        probes:
          - http: \${vars.base_url}/metrics
            status: 200
      - id: dashboards
        title: A dashboard shows traffic, errors, latency and saturation
        severity: medium
        status: missing          # done | partial | missing | in-progress | n/a
      - id: alerts
        title: Alerts page someone on symptoms users feel (errors, latency), not on causes
        severity: high
        status: missing

  - id: delivery
    title: Build, release and rollback
    items:
      - id: tests-pass
        title: Test suite passes
        severity: critical
        probes:
          - command: [npm, test]
            timeout: 5m
      - id: lockfile
        title: Dependencies pinned by a lockfile
        severity: high
        probes: [{ file: "{package-lock.json,yarn.lock,pnpm-lock.yaml,go.sum,poetry.lock,Cargo.lock}" }]
      - id: ci-configured
        title: Every change is built and tested by CI
        severity: high
        probes: [{ file: "{.github/workflows/*.yml,.github/workflows/*.yaml,.gitlab-ci.yml,.circleci/config.yml,Jenkinsfile}" }]
      - id: env-documented
        title: Configuration documented in .env.example
        severity: medium
        probes: [{ file: .env.example }]
      - id: rollback
        title: A bad release can be rolled back in minutes, and that was tried
        severity: high
        status: missing

  - id: security
    title: Security
    items:
      - id: security-policy
        title: Security policy says how to report a vulnerability
        severity: medium
        probes: [{ file: "{SECURITY.md,.github/SECURITY.md}" }]
      - id: secrets-ignored
        title: Local secrets (.env) are kept out of git
        severity: high
        probes:
          - file: .gitignore
            contains: .env
      - id: https-only
        title: Served over HTTPS with a certificate that is not about to expire
        severity: high
        status: missing
        # Check it for real once the service has a public name:
        # probes: [{ tls: "www.example.com:443", min_days: 14 }]

  - id: operations
    title: Operations
    items:
      - id: runbook
        title: Runbook for the top alerts written
        severity: high
        status: missing
        # evidence: https://wiki.example.com/runbooks/my-service
        # attested_by: Your Name
        # attested_at: 2026-01-31
        # expires_after: 90d
      - id: on-call
        title: On-call rotation staffed and reachable
        severity: high
        status: missing
      - id: capacity
        title: Load tested at twice the expected peak
        severity: medium
        status: missing
`;
