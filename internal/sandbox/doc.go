// Package sandbox evaluates a revision of the spec in a child process,
// bounded in time and in memory.
//
// CUE is a programming language: a revision with an unbounded comprehension
// or recursion would otherwise never finish evaluating, or take all the
// daemon's memory with it, and one bad commit must not take the daemon
// down. The parent ([Loader]) re-executes its own binary with the hidden
// subcommand [Command] and the flags of the kinds of setting (the child
// builds the same kinds from them), writes the files and the default
// region to the child's stdin as JSON, and reads the spec, or its
// diagnostics, from the child's stdout as JSON: each setting's value as
// its kind marshals it, read back by the parent's kind of the same name. The parent kills a child that runs past its time bound;
// the child ([Child]) watches its own heap and exits with a code of its own
// when it goes over its memory budget. Either way the revision is reported
// as invalid, like any spec with an error, so nothing of it is applied.
// The parent also kills the child when the context of [Loader.Load] ends:
// SIGTERM must not wait for an evaluation to run into its time bound.
//
// The binary must dispatch [Command] to [Child]; tests that load through a
// [Loader] must do the same for a process whose os.Args[0] is "reconciler",
// the name the child is started under.
//
// It is internal to the reconciler and has no compatibility promise.
package sandbox
