package main

import "os"

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorOn reports whether plans written to w get colour: only on a
// terminal, and never with NO_COLOR set (https://no-color.org).
func colorOn(std Stdio, w any) bool {
	return isTerminal(w) && std.Getenv("NO_COLOR") == "" && std.Getenv("TERM") != "dumb"
}
