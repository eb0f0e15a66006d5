// Package examples ships the example specs inside the binary, so that
// `reconciler demo` runs from any directory.
package examples

import "embed"

// Specs holds specs/, the example spec directory.
//
//go:embed specs
var Specs embed.FS
