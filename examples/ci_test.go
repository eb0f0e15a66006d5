package examples_test

import (
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The CI examples are checked three ways: actionlint lints the GitHub
// workflow; both files are parsed and must hold the steps an operator relies
// on; and their shell steps run against a fake reconciler, so that the exit
// code handling (2 is a successful plan, 1 fails the job) is executed, not
// only read.

const (
	githubWorkflowFile = "ci/github-actions.yml"
	gitlabCIFile       = "ci/gitlab-ci.yml"
	actionlintPackage  = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
	planMarker         = "<!-- reconciler-plan -->"
	installCommand     = `go install "github.com/sipops/reconciler/cmd/reconciler@${CHIME_RECONCILER_VERSION}"`
	validateCommand    = `reconciler validate --source "$SPEC_DIR"`
	planCommand        = `reconciler plan --source "$SPEC_DIR" --output markdown`
)

var (
	pinnedVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)
	pinnedAction  = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@v[0-9]+(\.[0-9]+){0,2}$`)
)

// TestGitHubActionsLint runs actionlint on the workflow and fails on any
// finding. go run builds the pinned actionlint; without go this fails.
func TestGitHubActionsLint(t *testing.T) {
	var stdout, stderr strings.Builder
	cmd := exec.CommandContext(t.Context(), "go", "run", actionlintPackage, "-no-color", githubWorkflowFile)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr // findings go to stdout; go run's downloads to stderr
	err := cmd.Run()
	if err != nil || stdout.Len() > 0 {
		t.Fatalf("actionlint %s: got %v\n%s%s\nwant no findings", githubWorkflowFile, err, stdout.String(), stderr.String())
	}
	t.Logf("actionlint %s: no findings", githubWorkflowFile)
}

type githubWorkflow struct {
	On struct {
		PullRequest struct {
			Paths []string `yaml:"paths"`
		} `yaml:"pull_request"`
	} `yaml:"on"`
	Permissions map[string]string    `yaml:"permissions"`
	Env         map[string]string    `yaml:"env"`
	Jobs        map[string]githubJob `yaml:"jobs"`
}

type githubJob struct {
	If    string       `yaml:"if"`
	Steps []githubStep `yaml:"steps"`
}

type githubStep struct {
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

func loadGitHubWorkflow(t *testing.T) (githubWorkflow, githubJob) {
	t.Helper()
	var w githubWorkflow
	if err := yaml.Unmarshal([]byte(readFile(t, githubWorkflowFile)), &w); err != nil {
		t.Fatalf("parse %s: %v", githubWorkflowFile, err)
	}
	job, ok := w.Jobs["plan"]
	if !ok || len(w.Jobs) != 1 {
		t.Fatalf("%s: got jobs %v, want one job, plan", githubWorkflowFile, slices.Sorted(maps.Keys(w.Jobs)))
	}
	return w, job
}

// step returns the index of the first step for which match is true.
func step(t *testing.T, steps []githubStep, what string, match func(githubStep) bool) int {
	t.Helper()
	i := slices.IndexFunc(steps, match)
	if i < 0 {
		t.Fatalf("%s: got no step that %s, want one", githubWorkflowFile, what)
	}
	return i
}

func TestGitHubActionsWorkflow(t *testing.T) {
	w, job := loadGitHubWorkflow(t)
	specDir := w.Env["SPEC_DIR"]
	if got, want := w.On.PullRequest.Paths, []string{specDir + "/**"}; specDir == "" || !slices.Equal(got, want) {
		t.Errorf("on.pull_request.paths: got %q, want %q, the spec directory env.SPEC_DIR (%q)", got, want, specDir)
	}
	wantPerms := map[string]string{"contents": "read", "id-token": "write", "pull-requests": "write"}
	if !maps.Equal(w.Permissions, wantPerms) {
		t.Errorf("permissions: got %v, want %v", w.Permissions, wantPerms)
	}
	if v := w.Env["CHIME_RECONCILER_VERSION"]; !pinnedVersion.MatchString(v) {
		t.Errorf("env.CHIME_RECONCILER_VERSION: got %q, want a pinned release vX.Y.Z", v)
	}
	if !strings.Contains(job.If, "github.event.pull_request.head.repo.full_name == github.repository") {
		t.Errorf("jobs.plan.if: got %q, want forks skipped", job.If)
	}
	for _, s := range job.Steps {
		if s.Uses != "" && !pinnedAction.MatchString(s.Uses) {
			t.Errorf("uses %q: want owner/name@vN a version tag", s.Uses)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("run %q: got an expression, want inputs passed through env", s.Run)
		}
	}
	steps := job.Steps
	goStep := step(t, steps, "uses actions/setup-go", func(s githubStep) bool { return strings.HasPrefix(s.Uses, "actions/setup-go@") })
	install := step(t, steps, "installs the pinned reconciler", func(s githubStep) bool { return strings.Contains(s.Run, installCommand) })
	validate := step(t, steps, "validates", func(s githubStep) bool { return strings.Contains(s.Run, validateCommand) })
	creds := step(t, steps, "gets AWS credentials", func(s githubStep) bool {
		return strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@")
	})
	plan := step(t, steps, "plans in Markdown", func(s githubStep) bool { return strings.Contains(s.Run, planCommand) })
	post := step(t, steps, "posts the comment", func(s githubStep) bool { return strings.HasPrefix(s.Uses, "actions/github-script@") })
	if order := []int{goStep, install, validate, creds, plan, post}; !slices.IsSorted(order) {
		t.Errorf("step order: got setup-go, install, validate, credentials, plan, comment at %v, want that order", order)
	}
	c := steps[creds]
	if c.With["role-to-assume"] == "" || c.With["aws-access-key-id"] != "" || c.With["aws-region"] == "" {
		t.Errorf("credentials: got with %v, want OIDC: role-to-assume and aws-region, no access key", c.With)
	}
	if steps[validate].ID != "validate" || steps[plan].ID != "plan" {
		t.Errorf("step ids: got %q and %q, want validate and plan, read by the comment step", steps[validate].ID, steps[plan].ID)
	}
	p := steps[post]
	if !strings.Contains(p.If, "always()") {
		t.Errorf("comment step if: got %q, want it to run after a failed plan too", p.If)
	}
	for _, want := range []string{planMarker, "github.rest.issues.listComments", "github.rest.issues.updateComment", "github.rest.issues.createComment", "github-actions[bot]", "plan.md", "validate.txt", "plan.log"} {
		if !strings.Contains(p.With["script"], want) {
			t.Errorf("comment script: got no %q, want the marker, list, update and create calls and the step outputs", want)
		}
	}
}

// TestGitHubActionsExitCodes runs the validate and plan steps' scripts as
// GitHub does (bash -eo pipefail) against a fake reconciler.
func TestGitHubActionsExitCodes(t *testing.T) {
	_, job := loadGitHubWorkflow(t)
	scripts := map[string]string{}
	for _, s := range job.Steps {
		if s.ID != "" && s.Run != "" {
			scripts[s.ID] = s.Run
		}
	}
	tests := []struct {
		step     string
		exit     string // the fake reconciler's exit code
		wantExit int
	}{
		{"validate", "0", 0},
		{"validate", "1", 1},
		{"plan", "0", 0},
		{"plan", "2", 0},
		{"plan", "1", 1},
		{"plan", "3", 3},
	}
	for _, tt := range tests {
		t.Run(tt.step+" exits "+tt.exit, func(t *testing.T) {
			dir, env := fakeReconciler(t)
			output := filepath.Join(dir, "github_output")
			env = append(env, "GITHUB_OUTPUT="+output, "FAKE_VALIDATE_EXIT="+tt.exit, "FAKE_PLAN_EXIT="+tt.exit)
			code, out := runScript(t, dir, env, scripts[tt.step], "bash", "--noprofile", "--norc", "-eo", "pipefail")
			if code != tt.wantExit {
				t.Errorf("exit code: got %d, want %d\n%s", code, tt.wantExit, out)
			}
			if got, want := readFile(t, output), "exit-code="+tt.exit+"\n"; got != want {
				t.Errorf("GITHUB_OUTPUT: got %q, want %q", got, want)
			}
			if tt.step == "plan" {
				checkPlanRun(t, dir)
			}
		})
	}
}

type gitlabJob struct {
	Stage string `yaml:"stage"`
	Image string `yaml:"image"`
	Rules []struct {
		If      string `yaml:"if"`
		Changes struct {
			Paths []string `yaml:"paths"`
		} `yaml:"changes"`
		When string `yaml:"when"`
	} `yaml:"rules"`
	IDTokens map[string]struct {
		Aud string `yaml:"aud"`
	} `yaml:"id_tokens"`
	Needs        []gitlabNeed `yaml:"needs"`
	BeforeScript []string     `yaml:"before_script"`
	Script       []string     `yaml:"script"`
	Artifacts    struct {
		When  string   `yaml:"when"`
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

type gitlabNeed struct {
	Job       string `yaml:"job"`
	Artifacts bool   `yaml:"artifacts"`
}

// loadGitLabCI returns the global variables and the jobs (every top-level
// key that is not a global keyword).
func loadGitLabCI(t *testing.T) (map[string]string, map[string]gitlabJob) {
	t.Helper()
	var top map[string]yaml.Node
	if err := yaml.Unmarshal([]byte(readFile(t, gitlabCIFile)), &top); err != nil {
		t.Fatalf("parse %s: %v", gitlabCIFile, err)
	}
	vars := map[string]string{}
	jobs := map[string]gitlabJob{}
	for key, node := range top {
		var err error
		switch key {
		case "variables":
			err = node.Decode(&vars)
		case "stages", "default", "workflow", "include":
		default:
			var j gitlabJob
			err = node.Decode(&j)
			jobs[key] = j
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", gitlabCIFile, key, err)
		}
	}
	return vars, jobs
}

// gitlabJobs returns the plan job (the one that runs reconciler plan) and
// the note job (the one that needs it).
func gitlabJobs(t *testing.T, jobs map[string]gitlabJob) (planName string, plan gitlabJob, note gitlabJob) {
	t.Helper()
	for name, j := range jobs {
		if strings.Contains(strings.Join(j.Script, "\n"), planCommand) {
			planName, plan = name, j
		}
	}
	if planName == "" {
		t.Fatalf("%s: got no job whose script runs %s, want one", gitlabCIFile, planCommand)
	}
	found := false
	for _, j := range jobs {
		if slices.Contains(j.Needs, gitlabNeed{Job: planName, Artifacts: true}) {
			note, found = j, true
		}
	}
	if !found {
		t.Fatalf("%s: got no job that needs %s with its artifacts, want the note job", gitlabCIFile, planName)
	}
	return planName, plan, note
}

func TestGitLabCI(t *testing.T) {
	vars, jobs := loadGitLabCI(t)
	planName, plan, note := gitlabJobs(t, jobs)
	specDir := vars["SPEC_DIR"]
	if specDir == "" {
		t.Fatalf("variables.SPEC_DIR: got none, want the spec directory")
	}
	if v := vars["CHIME_RECONCILER_VERSION"]; !pinnedVersion.MatchString(v) {
		t.Errorf("variables.CHIME_RECONCILER_VERSION: got %q, want a pinned release vX.Y.Z", v)
	}
	if vars["PLAN_MARKER"] != planMarker {
		t.Errorf("variables.PLAN_MARKER: got %q, want %q", vars["PLAN_MARKER"], planMarker)
	}
	for name, j := range map[string]gitlabJob{planName: plan, "note": note} {
		if len(j.Rules) != 1 {
			t.Errorf("%s rules: got %d, want one merge request rule", name, len(j.Rules))
			continue
		}
		r := j.Rules[0]
		if r.If != `$CI_PIPELINE_SOURCE == "merge_request_event"` {
			t.Errorf("%s rules.if: got %q, want merge request pipelines only", name, r.If)
		}
		if want := []string{specDir + "/**/*"}; !slices.Equal(r.Changes.Paths, want) {
			t.Errorf("%s rules.changes.paths: got %q, want %q, the spec directory SPEC_DIR", name, r.Changes.Paths, want)
		}
	}
	if note.Rules[0].When != "always" {
		t.Errorf("note rules.when: got %q, want always, to post after a failed plan", note.Rules[0].When)
	}
	if tok, ok := plan.IDTokens["AWS_ID_TOKEN"]; !ok || tok.Aud != "sts.amazonaws.com" {
		t.Errorf("%s id_tokens: got %+v, want AWS_ID_TOKEN for sts.amazonaws.com", planName, plan.IDTokens)
	}
	if !slices.Contains(plan.BeforeScript, installCommand) {
		t.Errorf("%s before_script: got %q, want %s", planName, plan.BeforeScript, installCommand)
	}
	script := strings.Join(plan.Script, "\n")
	for _, want := range []string{validateCommand, planCommand, "AWS_WEB_IDENTITY_TOKEN_FILE", `export AWS_ROLE_ARN="$CHIME_PLAN_ROLE_ARN"`} {
		if !strings.Contains(script, want) {
			t.Errorf("%s script: got no %q", planName, want)
		}
	}
	for _, want := range []string{"plan.md", "plan.log", "plan.exit", "validate.txt", "validate.exit"} {
		if !slices.Contains(plan.Artifacts.Paths, want) {
			t.Errorf("%s artifacts: got %q, want %s", planName, plan.Artifacts.Paths, want)
		}
	}
	if plan.Artifacts.When != "always" {
		t.Errorf("%s artifacts.when: got %q, want always, for the note after a failure", planName, plan.Artifacts.When)
	}
	noteScript := strings.Join(note.Script, "\n")
	for _, want := range []string{`PRIVATE-TOKEN: $GITLAB_TOKEN`, `/merge_requests/$CI_MERGE_REQUEST_IID/notes`,
		`startswith($marker)`, `-X PUT`, `"$notes/$note_id"`, `-X POST`, `--data-urlencode "body@note.md"`} {
		if !strings.Contains(noteScript, want) {
			t.Errorf("note script: got no %q, want the note found by marker, then edited or created", want)
		}
	}
	if strings.Contains(noteScript, "CI_JOB_TOKEN") {
		t.Errorf("note script: got CI_JOB_TOKEN, which cannot write notes; want GITLAB_TOKEN")
	}
}

// TestGitLabPlanExitCodes runs the plan job's script as the runner does
// (one bash -eo pipefail shell) against a fake reconciler.
func TestGitLabPlanExitCodes(t *testing.T) {
	_, jobs := loadGitLabCI(t)
	_, plan, _ := gitlabJobs(t, jobs)
	script := strings.Join(plan.Script, "\n")
	tests := []struct {
		name                   string
		validateExit, planExit string
		wantExit               int
		wantFiles              map[string]string // "": must not exist
	}{
		{"in sync", "0", "0", 0, map[string]string{"validate.exit": "0\n", "plan.exit": "0\n"}},
		{"changes pending", "0", "2", 0, map[string]string{"validate.exit": "0\n", "plan.exit": "2\n"}},
		{"plan error", "0", "1", 1, map[string]string{"validate.exit": "0\n", "plan.exit": "1\n"}},
		{"invalid spec", "1", "0", 1, map[string]string{"validate.exit": "1\n", "plan.exit": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, env := fakeReconciler(t)
			env = append(env, "FAKE_VALIDATE_EXIT="+tt.validateExit, "FAKE_PLAN_EXIT="+tt.planExit,
				"AWS_ID_TOKEN=fake-oidc-token", "CHIME_PLAN_ROLE_ARN=arn:aws:iam::123456789012:role/plan",
				"CI_MERGE_REQUEST_IID=7")
			code, out := runScript(t, dir, env, script, "bash", "--noprofile", "--norc", "-eo", "pipefail")
			if code != tt.wantExit {
				t.Errorf("exit code: got %d, want %d\n%s", code, tt.wantExit, out)
			}
			for name, want := range tt.wantFiles {
				b, err := os.ReadFile(filepath.Join(dir, name))
				switch {
				case want == "" && !errors.Is(err, os.ErrNotExist):
					t.Errorf("%s: got %q (%v), want no file", name, b, err)
				case want != "" && string(b) != want:
					t.Errorf("%s: got %q (%v), want %q", name, b, err, want)
				}
			}
			if tt.planExit != "" && tt.validateExit == "0" {
				log := checkPlanRun(t, dir)
				if want := "role=arn:aws:iam::123456789012:role/plan token=fake-oidc-token"; !strings.Contains(log, want) {
					t.Errorf("plan environment: got %q, want %q: the web identity the AWS SDK reads", log, want)
				}
			}
		})
	}
}

// TestGitLabNoteBody runs the note job's first script, which writes
// note.md from the plan job's artifacts, as the alpine image does (sh).
func TestGitLabNoteBody(t *testing.T) {
	vars, jobs := loadGitLabCI(t)
	_, _, note := gitlabJobs(t, jobs)
	if len(note.Script) < 2 {
		t.Fatalf("note script: got %d commands, want the note written, then posted", len(note.Script))
	}
	tests := []struct {
		name      string
		artifacts map[string]string
		want      []string
	}{
		{"in sync", map[string]string{"validate.exit": "0\n", "plan.exit": "0\n", "plan.md": "nothing to do\n"},
			[]string{"in sync", "nothing to do"}},
		{"changes pending", map[string]string{"validate.exit": "0\n", "plan.exit": "2\n", "plan.md": "| vc-1 | put |\n"},
			[]string{"changes pending", "| vc-1 | put |"}},
		{"refused", map[string]string{"validate.exit": "0\n", "plan.exit": "1\n", "plan.log": "refused: mass change\n"},
			[]string{"refused (exit code 1)", "~~~text\nrefused: mass change\n~~~"}},
		{"invalid", map[string]string{"validate.exit": "1\n", "validate.txt": "a.cue:3:7: bad port\n"},
			[]string{"specs are invalid", "a.cue:3:7: bad port"}},
		{"no artifacts", map[string]string{}, []string{"stopped before validating"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.artifacts {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			env := []string{"PLAN_MARKER=" + vars["PLAN_MARKER"], "CI_COMMIT_SHORT_SHA=0123abcd", "CI_PIPELINE_URL=https://gitlab.example/p/1"}
			if code, out := runScript(t, dir, env, note.Script[0], "sh", "-e"); code != 0 {
				t.Fatalf("exit code: got %d, want 0\n%s", code, out)
			}
			body := readFile(t, filepath.Join(dir, "note.md"))
			if !strings.HasPrefix(body, planMarker+"\n") {
				t.Errorf("note.md: got %q, want it to start with the marker line", body)
			}
			for _, want := range append(tt.want, "0123abcd") {
				if !strings.Contains(body, want) {
					t.Errorf("note.md: got %q, want %q in it", body, want)
				}
			}
		})
	}
}

// fakeReconciler puts a fake reconciler first on PATH in a new directory.
// It logs its arguments (and, for plan, the web identity it would use) to
// reconciler.log and exits with FAKE_VALIDATE_EXIT or FAKE_PLAN_EXIT.
func fakeReconciler(t *testing.T) (dir string, env []string) {
	t.Helper()
	dir = t.TempDir()
	bin := filepath.Join(dir, "bin")
	const fake = `#!/bin/sh
echo "$*" >>"$FAKE_LOG"
case "$1" in
validate)
	echo "fake validate output"
	exit "$FAKE_VALIDATE_EXIT" ;;
plan)
	token=""
	if [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]; then token=$(cat "$AWS_WEB_IDENTITY_TOKEN_FILE"); fi
	echo "role=${AWS_ROLE_ARN:-} token=$token" >>"$FAKE_LOG"
	echo "## fake plan"
	echo "fake plan log" >&2
	exit "$FAKE_PLAN_EXIT" ;;
esac
exit 64
`
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "reconciler"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"FAKE_LOG=" + filepath.Join(dir, "reconciler.log"),
		"SPEC_DIR=specs",
	}
}

// checkPlanRun checks that the fake reconciler was asked for a Markdown
// plan of the spec directory and that plan.md holds its output. It returns
// the fake's log.
func checkPlanRun(t *testing.T, dir string) string {
	t.Helper()
	log := readFile(t, filepath.Join(dir, "reconciler.log"))
	if !strings.Contains(log, "plan --source specs --output markdown\n") {
		t.Errorf("reconciler calls: got %q, want plan --source specs --output markdown", log)
	}
	if got := readFile(t, filepath.Join(dir, "plan.md")); got != "## fake plan\n" {
		t.Errorf("plan.md: got %q, want the plan's stdout", got)
	}
	return log
}

// runScript runs script with the shell in dir, with env added, and returns
// its exit code and combined output. A shell that cannot start fails the
// test.
func runScript(t *testing.T, dir string, env []string, script string, shell ...string) (int, string) {
	t.Helper()
	if script == "" {
		t.Fatal("script: got none, want one")
	}
	path := filepath.Join(dir, "step.sh")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), shell[0], append(shell[1:], path)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
		return exitErr.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatalf("run %s: %v", shell[0], err)
	}
	return 0, string(out)
}
