// Package examples ships the example specs inside the binary, so that
// `reconciler demo` runs from any directory.
//
// It is not a Go API: the package exists to embed these files, and has
// no compatibility promise.
package examples

import "embed"

// Specs holds specs/, the example spec directory.
//
//go:embed specs
var Specs embed.FS
