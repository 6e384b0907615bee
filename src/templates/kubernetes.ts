/** Starter checklist for a service deployed on Kubernetes. Valid as written. */
export const kubernetes = `# yaml-language-server: $schema=./node_modules/readiness-cli/schemas/checklist.schema.json
#
# Production-readiness checklist for a service on Kubernetes. Two kinds of checks:
#   - the manifests in this repository (probes, resources, replicas, security context), checked
#     offline by reading the files;
#   - the live cluster (rollout finished, health through the service), checked with kubectl and
#     HTTP — run those with --env staging / --env production after a deploy, e.g.
#     readiness audit --env production --wait 5m
version: 1
name: My service on Kubernetes
owner: my-team

vars:
  deployment_manifest: \${env.K8S_DEPLOYMENT_MANIFEST:-k8s/deployment.yaml}
  pdb_manifest: \${env.K8S_PDB_MANIFEST:-k8s/pdb.yaml}
  namespace: \${env.K8S_NAMESPACE:-default}
  deployment: \${env.K8S_DEPLOYMENT:-my-service}
  base_url: \${env.BASE_URL:-http://localhost:8080}
  grpc_addr: \${env.GRPC_ADDR:-localhost:50051}

environments:
  staging:
    vars: { namespace: staging, base_url: https://staging.example.com }
  production:
    vars: { namespace: production, base_url: https://www.example.com }
    gate: { go: 95, blocking: [critical, high] }

defaults:
  timeout: 10s

gate:
  go: 90
  conditional: 70
  blocking: [critical]
  verified: 50       # verified score (credit from passing probes) needed for GO; 0 accepts claims alone
  contradicted: conditional   # a claim its probes contradict: block | conditional | ignore
  flaky: warn        # a probe that passed only on a retry: warn (listed as flaky) | fail

sections:
  - id: manifests
    title: Manifests
    items:
      - id: liveness-probe
        title: Containers declare a liveness probe (a hung process is restarted)
        severity: critical
        probes:
          - file: \${vars.deployment_manifest}
            contains: livenessProbe
      - id: readiness-probe
        title: Containers declare a readiness probe (no traffic before the app is ready)
        severity: critical
        probes:
          - file: \${vars.deployment_manifest}
            contains: readinessProbe
      - id: resources
        title: CPU and memory requests and limits are set
        severity: high
        probes:
          - file: \${vars.deployment_manifest}
            contains: ["requests:", "limits:"]
      - id: replicas
        title: At least two replicas, so one node failing is not an outage
        severity: high
        probes:
          - file: \${vars.deployment_manifest}
            matches: '^\\s*replicas:\\s*([2-9]|[1-9][0-9]+)\\s*$'
      - id: non-root
        title: Containers run as a non-root user
        severity: high
        probes:
          - file: \${vars.deployment_manifest}
            contains: "runAsNonRoot: true"
      - id: pinned-image
        title: Images are pinned to a version or digest, never :latest
        severity: medium
        probes:
          - file: \${vars.deployment_manifest}
            not_contains: ":latest"
      - id: disruption-budget
        title: A PodDisruptionBudget keeps replicas up during node drains
        severity: medium
        probes:
          - file: \${vars.pdb_manifest}
            contains: "kind: PodDisruptionBudget"

  - id: cluster
    title: Live in the cluster
    items:
      - id: rollout-complete
        title: The latest rollout finished (all replicas updated and available)
        severity: critical
        probes:
          - command: [kubectl, rollout, status, "deployment/\${vars.deployment}", -n, "\${vars.namespace}", --timeout=60s]
            timeout: 90s
      - id: service-health
        title: Health endpoint answers through the service or ingress
        severity: critical
        probes:
          - http: \${vars.base_url}/healthz
            status: 200
            max_latency: 1s
      - id: grpc-health
        title: The gRPC health service reports SERVING (what a Kubernetes grpc probe asks; n/a for HTTP-only services)
        severity: high
        probes:
          - grpc: \${vars.grpc_addr}
            # service_name: my.package.v1.MyService

  - id: operations
    title: Operations
    items:
      - id: autoscaling
        title: Autoscaling (HPA or equivalent) tested under load
        severity: medium
        status: missing
      - id: graceful-termination
        title: SIGTERM drains in-flight requests within terminationGracePeriodSeconds
        severity: high
        status: missing
      - id: alerts
        title: Alerts on crash loops, restarts and error rate reach on-call
        severity: high
        status: missing
      - id: runbook
        title: Runbook covers rollback (kubectl rollout undo) and scaling by hand
        severity: high
        status: missing
`;
