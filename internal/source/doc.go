// Package source says where specs come from: a directory on this machine
// (Local) or a git repository (Git). Both hand out immutable Snapshots of
// the .cue files under the spec root, and a failed read never replaces the
// last good snapshot: the consumer simply receives nothing new.
//
// # Revisions
//
// A Snapshot's Revision names its content, so "same revision" means "same
// specs" and the daemon can skip a pass that would change nothing.
//
//   - Git: the SHA of the commit the ref names. Tags are peeled to their
//     commit.
//   - Local: "sha256:" and the hex SHA-256 of the sorted (path, content)
//     pairs of the .cue files, each length-prefixed. Only the files the
//     loader would read count: touching a file, editing a README or a file
//     in a hidden directory does not make a new revision.
//
// # Security rules
//
//   - SSH host keys are always checked against the KnownHostsFile given; an
//     SSH URL without one is refused when the source is built. There is no
//     option to skip the check.
//   - An HTTPS token comes only from TokenFile, read again at each fetch so
//     it can be rotated. A URL carrying a password is refused. The token is
//     never logged and is scrubbed from error messages.
//   - Symbolic links are refused: a link out of a local directory, and any
//     link in a git tree under the spec path. A spec must be reviewable as
//     the files in its directory. Files are limited to schema.MaxFileBytes.
//   - With VerifyKeyring, a commit not signed by a key of that key ring is
//     refused, and the last good snapshot stays in force.
//
// # Why Git reads the commit tree
//
// The clone in GitOptions.Dir is bare: Fetch reads the .cue files straight
// from the commit's tree objects instead of checking them out. There is no
// worktree that a crash could leave half-written, that local edits could
// make drift from the revision reported, or where a link could point at a
// file outside the repository; the files handed out are exactly the ones of
// the commit named by Revision. A poll that finds the ref unchanged costs
// one ls-remote and no disk writes.
//
// # Watching
//
// Local.Watch uses fsnotify on every directory of the tree (new ones are
// added as they appear) and debounces events, so an editor's save or a git
// checkout of many files yields one snapshot. Git.Watch polls with jitter,
// fetches at once on a trigger (a webhook), and backs off exponentially
// while the remote fails. Both send only revisions that differ from the
// last one sent, and both report every read to the OnFetch hook, for
// metrics.
//
// It is internal to the reconciler and has no compatibility promise.
package source
