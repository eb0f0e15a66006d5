package main

import (
	"flag"
	"fmt"
	"log/slog"
)

// logFlags are the flags of every command that logs.
type logFlags struct {
	level  string
	format string

	// current is the logger's level: a reload may change it while the
	// daemon runs.
	current slog.LevelVar
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.level, "log-level", "info", "log `LEVEL`: debug, info, warn or error")
	fs.StringVar(&l.format, "log-format", "auto", "log `FORMAT`: text, json, or auto (text on a terminal, else json)")
}

func (l *logFlags) check() error {
	if l.format != "auto" && l.format != "text" && l.format != "json" {
		return fmt.Errorf("--log-format %q: want text, json or auto", l.format)
	}
	_, err := l.parseLevel()
	return err
}

// parseLevel returns the level --log-level names.
func (l *logFlags) parseLevel() (slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.level)); err != nil {
		return level, fmt.Errorf("--log-level %q: want debug, info, warn or error", l.level)
	}
	return level, nil
}

// logger writes to std.Err: text on a terminal, JSON otherwise.
func (l *logFlags) logger(std Stdio) (*slog.Logger, error) {
	level, err := l.parseLevel()
	if err != nil {
		return nil, err
	}
	l.current.Set(level)
	opts := &slog.HandlerOptions{Level: &l.current}
	if l.format == "json" || l.format == "auto" && !isTerminal(std.Err) {
		return slog.New(slog.NewJSONHandler(std.Err, opts)), nil
	}
	return slog.New(slog.NewTextHandler(std.Err, opts)), nil
}
