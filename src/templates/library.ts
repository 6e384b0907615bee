/** Starter checklist for a published library or SDK. Valid as written. */
export const library = `# yaml-language-server: $schema=./node_modules/readiness-cli/schemas/checklist.schema.json
#
# Release-readiness checklist for a library, SDK or CLI package that other people install.
# Nothing runs in production here: "ready" means users can depend on it without surprises —
# it works, it is documented, it changes predictably, and it is safe to install.
# Written for an npm package; swap the commands and file names for other ecosystems.
#
#   readiness validate   lint this file        readiness audit   run the probes and score
version: 1
name: My library
owner: my-team

vars:
  coverage_report: \${env.COVERAGE_REPORT:-coverage/coverage-summary.json}

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
  - id: quality
    title: It works
    items:
      - id: tests-pass
        title: Test suite passes
        severity: critical
        probes:
          - command: [npm, test]
            timeout: 5m
      - id: coverage
        title: Tests cover at least 80% of lines
        severity: high
        probes:
          - coverage: \${vars.coverage_report}
            min: 80
      - id: lint
        title: Lint passes (skipped by npm when there is no lint script)
        severity: medium
        probes:
          - command: [npm, run, lint, --if-present]
            timeout: 2m

  - id: interface
    title: It changes predictably
    items:
      - id: changelog
        title: Changelog records every release
        severity: high
        probes: [{ file: "{CHANGELOG.md,CHANGELOG,HISTORY.md,RELEASES.md}" }]
      - id: entry-points
        title: Entry points declared (exports or main) so deep imports are not the API
        severity: medium
        probes:
          - file: package.json
            matches: '"(exports|main)"\\s*:'
      - id: semver
        title: Versions follow semantic versioning; breaking changes only in majors
        severity: high
        status: missing
      - id: deprecations
        title: Deprecations warn for at least one minor release before removal
        severity: low
        status: missing

  - id: documentation
    title: People can use it
    items:
      - id: readme
        title: README shows install, a first example and where to get help
        severity: high
        probes:
          - file: "{README.md,README,readme.md}"
            min_size: 500
      - id: license
        title: License file present
        severity: critical
        probes: [{ file: "{LICENSE,LICENSE.*,LICENCE,LICENCE.*,COPYING}" }]
      - id: api-docs
        title: Public API documented (generated reference or docs site)
        severity: medium
        status: missing

  - id: supply-chain
    title: It is safe to install
    items:
      - id: lockfile
        title: Development dependencies pinned by a lockfile
        severity: high
        probes: [{ file: "{package-lock.json,yarn.lock,pnpm-lock.yaml}" }]
      - id: security-policy
        title: Security policy says how to report a vulnerability
        severity: medium
        probes: [{ file: "{SECURITY.md,.github/SECURITY.md}" }]
      - id: ci-configured
        title: Every change is built and tested by CI
        severity: high
        probes: [{ file: "{.github/workflows/*.yml,.github/workflows/*.yaml,.gitlab-ci.yml,.circleci/config.yml}" }]
      - id: publish-from-ci
        title: Releases are published from CI with provenance, and maintainers use 2FA
        severity: high
        status: missing
`;
