package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/gittest"
)

// runawaySpec never finishes evaluating: a comprehension over a trillion
// items.
const runawaySpec = `package specs

import "list"

voiceConnectors: vc: {name: "vc-0000", origination: disabled: true}
_huge: [for i in list.Range(0, 1000000000000, 1) {x: i}]
voiceConnectors: vc2: {name: "vc-0001", origination: disabled: len(_huge) > 0}
`

// TestRunSIGTERMDuringRunawaySpec: SIGTERM while a revision with an
// unbounded comprehension is evaluating (--spec-timeout 10m) kills the
// evaluation and the daemon exits 0 in well under 5s, not at the end of
// --spec-timeout. The figure is logged.
func TestRunSIGTERMDuringRunawaySpec(t *testing.T) {
	w := newWorld(t, 2)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", runawaySpec)
	p := startRun(t, w, "--source", dir, "--spec-timeout", "10m", "--spec-memory", "4096", "--shutdown-timeout", "30s")
	child := evaluator(t, p.cmd.Process.Pid, 15*time.Second)
	time.Sleep(time.Second) // well into the evaluation
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", child)); err != nil {
		t.Fatalf("the evaluation ended before SIGTERM: %v\n%s", err, p.logs)
	}
	start := time.Now()
	p.signal(t, syscall.SIGTERM)
	code := p.exit(t, 30*time.Second)
	took := time.Since(start)
	t.Logf("SIGTERM during a runaway evaluation: exit %d after %v", code, took.Round(time.Millisecond))
	if code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if took > 5*time.Second {
		t.Errorf("exit %v after SIGTERM, want under 5s", took)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", child)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the evaluation's process %d outlived the daemon: %v", child, err)
	}
	if strings.Contains(p.logs.String(), "revision rejected") {
		t.Error("the revision cut short by SIGTERM was reported invalid")
	}
}

// evaluator returns the pid of the daemon's child evaluating a spec.
func evaluator(t *testing.T, daemon int, within time.Duration) int {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		stats, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, f := range stats {
			b, err := os.ReadFile(f)
			if err != nil {
				continue // gone meanwhile
			}
			// pid (comm) state ppid ...; comm may hold spaces.
			fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
			if len(fields) < 2 || fields[1] != strconv.Itoa(daemon) {
				continue
			}
			cmdline, _ := os.ReadFile(filepath.Join(filepath.Dir(f), "cmdline"))
			if strings.Contains(string(cmdline), "__load-spec") {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
				return pid
			}
		}
	}
	t.Fatalf("no spec evaluation started within %v", within)
	return 0
}

// TestRunSIGKILLLeavesNoEvaluation: a daemon killed outright (no SIGTERM,
// nothing of it runs) takes its spec evaluation with it: the kernel kills
// the child when its parent dies.
func TestRunSIGKILLLeavesNoEvaluation(t *testing.T) {
	w := newWorld(t, 2)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", runawaySpec)
	p := startRun(t, w, "--source", dir, "--spec-timeout", "10m", "--spec-memory", "4096")
	child := evaluator(t, p.cmd.Process.Pid, 15*time.Second)
	p.signal(t, syscall.SIGKILL)
	p.exit(t, 10*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Killed, it is reaped by init; until then it is a zombie.
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if errors.Is(err, os.ErrNotExist) || err == nil && strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))[0] == "Z" {
			return
		}
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("the evaluation %d outlived its daemon by 5s", child)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
