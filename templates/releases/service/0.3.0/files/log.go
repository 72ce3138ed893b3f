package main

import (
	"io"
	"log/slog"
	"strings"
)

// Logger is the standard library's structured logger.
type Logger = slog.Logger

// The levels, from the most verbose.
const (
	LevelDebug = slog.LevelDebug
	LevelInfo  = slog.LevelInfo
	LevelWarn  = slog.LevelWarn
	LevelError = slog.LevelError
)

// defaultLevel is the level logged when LOG_LEVEL is not set, or is not a
// level.
const defaultLevel = Level{{ log_level | capitalize }}

// NewLogger returns a logger writing one JSON object per line to w, for
// records of at least the given level:
//
//	{"time":"2024-05-01T12:00:00.000000001Z","level":"INFO","msg":"listening","addr":":8080"}
func NewLogger(w io.Writer, level slog.Level) *Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// parseLevel reads a level name (debug, info, warn, error; any case), or
// returns defaultLevel.
func parseLevel(name string) slog.Level {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "debug":
		return LevelDebug
	case "info":
		return LevelInfo
	case "warn", "warning":
		return LevelWarn
	case "error":
		return LevelError
	default:
		return defaultLevel
	}
}
