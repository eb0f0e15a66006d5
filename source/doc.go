// Package source says where specs come from: a directory on this machine
// (Local) or a git repository (Git). Both hand out immutable Snapshots, and
// a failed read never replaces the last good one.
package source
