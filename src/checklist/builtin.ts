/**
 * The built-in baseline: repository-level checks `audit` runs when the directory has no checklist.
 */
import { parseChecklist } from "./load.js";
import type { Checklist } from "../types.js";

export const BUILTIN_CHECKLIST = `# The readiness built-in repository baseline.
version: 1
name: Repository baseline
gate: { go: 90, conditional: 70, blocking: [critical] }
sections:
  - id: documentation
    title: Documentation
    items:
      - id: readme
        title: README explains what this is and how to run it
        severity: high
        probes:
          - file: "{README,README.*,Readme.*,readme.*}"
            min_size: 200
      - id: license
        title: License file present
        severity: medium
        probes: [{ file: "{LICENSE,LICENSE.*,LICENCE,LICENCE.*,COPYING,License.*}" }]
      - id: changelog
        title: Changelog or release notes kept
        severity: low
        probes: [{ file: "{CHANGELOG,CHANGELOG.*,CHANGES.*,HISTORY.*,RELEASES.*,docs/CHANGELOG.*}" }]
  - id: build
    title: Build and tests
    items:
      - id: lockfile
        title: Dependencies pinned by a lockfile
        severity: high
        probes:
          - file: "{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lockb,bun.lock,Cargo.lock,go.sum,poetry.lock,Pipfile.lock,uv.lock,requirements.txt,Gemfile.lock,composer.lock,gradle.lockfile,mix.lock,packages.lock.json}"
      - id: tests-configured
        title: Automated tests exist
        severity: high
        probes:
          - file: "{test,tests,spec,__tests__,src/test,src/tests}/**/*.*"
      - id: ci-configured
        title: Continuous integration configured
        severity: high
        probes:
          - file: "{.github/workflows/*.yml,.github/workflows/*.yaml,.gitlab-ci.yml,.circleci/config.yml,Jenkinsfile,azure-pipelines.yml,bitbucket-pipelines.yml,.travis.yml,.buildkite/*,.ci/*,.drone.yml}"
  - id: security
    title: Security and configuration
    items:
      - id: security-policy
        title: Security policy says how to report a vulnerability
        severity: medium
        probes: [{ file: "{SECURITY.md,.github/SECURITY.md,docs/SECURITY.md,SECURITY.txt}" }]
      - id: env-example
        title: Required configuration documented in .env.example
        severity: medium
        probes: [{ file: "{.env.example,.env.sample,.env.template,.env.dist}" }]
      - id: gitignore
        title: Generated files and secrets kept out of git (.gitignore)
        severity: low
        probes: [{ file: .gitignore }]
      - id: codeowners
        title: Code owners named
        severity: low
        probes: [{ file: "{CODEOWNERS,.github/CODEOWNERS,docs/CODEOWNERS}" }]
`;

/** The built-in baseline, resolved against `cwd`. */
export function builtinChecklist(cwd: string): Checklist {
  const c = parseChecklist(BUILTIN_CHECKLIST, "<built-in>", { env: {} });
  c.dir = cwd;
  c.builtin = true;
  return c;
}
