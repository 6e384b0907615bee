/** Starter checklist for a background worker (queue consumer, scheduled jobs). Valid as written. */
export const worker = `# yaml-language-server: $schema=./node_modules/readiness-cli/schemas/checklist.schema.json
#
# Production-readiness checklist for a background worker: a queue consumer, a scheduler, a stream
# processor. Workers fail quietly — nobody gets an error page — so most of this is about knowing
# it is alive, knowing it keeps up, and making sure a message is never lost or handled twice.
#
#   readiness validate   lint this file        readiness audit   run the probes and score
version: 1
name: My worker
owner: my-team

vars:
  # Most workers expose a tiny HTTP server for health and metrics; point these at it.
  health_url: \${env.WORKER_HEALTH_URL:-http://localhost:9090/healthz}
  metrics_url: \${env.WORKER_METRICS_URL:-http://localhost:9090/metrics}
  broker: \${env.BROKER_ADDR:-localhost:5672}
  database: \${env.DATABASE_ADDR:-localhost:5432}

environments:
  staging:
    vars: { broker: staging-broker.internal:5672, database: staging-db.internal:5432 }
  production:
    vars: { broker: broker.internal:5672, database: db.internal:5432 }
    gate: { go: 95 }

defaults:
  timeout: 5s
  retries: 1
  retry_delay: 2s

gate:
  go: 90
  conditional: 70
  blocking: [critical]
  verified: 50       # verified score (credit from passing probes) needed for GO; 0 accepts claims alone
  contradicted: conditional   # a claim its probes contradict: block | conditional | ignore
  flaky: warn        # a probe that passed only on a retry: warn (listed as flaky) | fail

sections:
  - id: liveness
    title: Alive and connected
    items:
      - id: worker-health
        title: Health endpoint says the worker is running
        severity: critical
        probes:
          - http: \${vars.health_url}
            status: 200
      # One item per dependency (a matrix): ids become dependency-broker, dependency-database.
      - id: dependency-\${matrix.name}
        title: \${matrix.name} reachable from the worker's host
        severity: critical
        matrix:
          - { name: broker, addr: "\${vars.broker}" }
          - { name: database, addr: "\${vars.database}" }
        probes: [{ tcp: "\${matrix.addr}" }]

  - id: observability
    title: Keeping up
    items:
      - id: metrics-exported
        title: Metrics exported (jobs processed, failed, duration)
        severity: high
        probes:
          - http: \${vars.metrics_url}
            status: 200
      - id: backlog-alert
        title: An alert fires when the backlog or the age of the oldest message grows
        severity: high
        status: missing
        # With Prometheus, check the backlog for real:
        # probes:
        #   - metric: { prometheus: { url: "http://prometheus:9090", query: "sum(queue_depth)" } }
        #     threshold: "< 1000"
      - id: dead-worker-alert
        title: An alert fires when no job has completed for too long
        severity: high
        status: missing

  - id: correctness
    title: No message lost, none handled twice
    items:
      - id: idempotent-handlers
        title: Handlers are idempotent (a redelivered message does no harm)
        severity: critical
        status: missing
      - id: dead-letter-queue
        title: Messages that keep failing go to a dead-letter queue that someone watches
        severity: high
        status: missing
      - id: retry-backoff
        title: Retries back off with jitter and give up after a limit
        severity: medium
        status: missing
      - id: poison-messages
        title: A malformed message cannot crash or stall the worker
        severity: high
        status: missing

  - id: lifecycle
    title: Start, stop, scale
    items:
      - id: graceful-shutdown
        title: On SIGTERM the worker stops taking work and finishes (or requeues) what it holds
        severity: high
        status: missing
      - id: concurrency-limits
        title: Concurrency and prefetch are bounded and configurable
        severity: medium
        status: missing
      - id: scheduled-jobs-single
        title: Scheduled jobs run once per schedule even with several replicas
        severity: medium
        status: n/a
        reason: edit me — n/a when the worker runs no scheduled jobs

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
        title: Dependencies pinned by a lockfile
        severity: high
        probes: [{ file: "{package-lock.json,yarn.lock,pnpm-lock.yaml,go.sum,poetry.lock,Cargo.lock}" }]
      - id: runbook
        title: Runbook covers replaying the dead-letter queue and draining a backlog
        severity: high
        status: missing
`;
