// Package systemd holds no Go code: the directory ships the systemd units
// of the daemon and the test that keeps them honest.
//
//   - reconciler.service runs "reconciler run" as Type=notify with a
//     watchdog (see internal/sdnotify), a dynamic user, a state directory,
//     a runtime directory /run/reconciler for the control socket of
//     "reconciler suspend", "resume" and "status", and hardening that
//     "systemd-analyze security" rates well below 2.0.
//   - reconciler@.service is the same unit as a template, one instance per
//     AWS account or region, each with its own env file, state directory
//     and user.
//   - reconciler.env.example documents the RECONCILER_* and AWS_* variables
//     the units read from /etc/reconciler/, and how secrets reach the
//     daemon through LoadCredential= instead of the environment.
//
// A unit file is easy to break silently: systemd ignores unknown or
// misspelt keys with a warning and starts the service anyway, less
// hardened. So the test runs "systemd-analyze verify" and requires it to
// print nothing, measures the exposure score, checks that both units keep
// the same hardening, and that every RECONCILER_* variable in the example
// is a flag of "reconciler run". It needs systemd-analyze
// (scripts/install-test-deps.sh) and fails rather than skips without it.
//
// It is not a Go API and has no compatibility promise.
package systemd
