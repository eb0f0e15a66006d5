package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sipops/reconciler/internal/reconcile"
)

func runApply(ctx context.Context, std Stdio, args []string) int {
	var f planFlags
	var autoApprove bool
	fs := newFlags(std, "apply", "--source DIR [flags]",
		"Plan, then apply the changes once. On a terminal it asks for confirmation unless --auto-approve.\nExit 0 when every connector converged, 1 otherwise, 2 on bad usage.")
	f.register(fs)
	fs.BoolVar(&autoApprove, "auto-approve", false, "apply without asking for confirmation")
	if err := inOrder(parsing(fs, args, std), f.spec.requireSource, f.check, f.load); err != nil {
		return usageExit(fs, err, exitUsage)
	}
	p, err := makePlan(ctx, std, &f)
	if err != nil {
		return failed(std, "apply", err)
	}
	if err := p.show(std, f.spec.output); err != nil {
		return failed(std, "apply", err)
	}
	if !p.Plan.Pending() {
		return exitCode(!p.Failed())
	}
	if len(p.Plan.Check(f.gates)) > 0 {
		return failed(std, "apply", errors.New("the plan is refused by the safety gates above; nothing was applied"))
	}
	if !autoApprove {
		if err := confirm(std); err != nil {
			return failed(std, "apply", err)
		}
	}
	r, err := p.engine.Apply(ctx, p.Planned, reconcile.ApplyOptions{Gates: f.gates})
	if err != nil {
		return failed(std, "apply", err)
	}
	if f.spec.output == "json" {
		err = r.WriteJSON(std.Out)
	} else {
		err = r.WriteText(std.Out)
	}
	if err != nil {
		return failed(std, "apply", err)
	}
	return exitCode(r.Converged())
}

// confirm asks the operator on a terminal; anything but "yes" declines.
func confirm(std Stdio) error {
	if !isTerminal(std.In) {
		return errors.New("standard input is not a terminal: pass --auto-approve to apply without confirmation")
	}
	fmt.Fprint(std.Out, "\nApply these changes? Only 'yes' will be accepted: ")
	line, err := bufio.NewReader(std.In).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return fmt.Errorf("not confirmed, nothing was applied%s", errSuffix(err))
	}
	return nil
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

func exitCode(ok bool) int {
	if ok {
		return exitOK
	}
	return exitFailure
}
