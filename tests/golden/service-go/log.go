package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Logger writes one JSON object per line:
//
//	{"time":"2024-05-01T12:00:00.000000001Z","level":"INFO","msg":"listening","addr":":8080"}
//
// Its methods take the same arguments as those of log/slog (a message, then
// alternating keys and values), so that once the toolchain is Go 1.21 or newer
// it can be replaced by slog.New(slog.NewJSONHandler(os.Stdout, opts)).
type Logger struct {
	mu    sync.Mutex
	w     io.Writer
	level Level
}

// Level is the severity of a log record.
type Level int

// The levels, from the most verbose.
const (
	LevelDebug Level = -4
	LevelInfo  Level = 0
	LevelWarn  Level = 4
	LevelError Level = 8
)

func (l Level) String() string {
	switch {
	case l <= LevelDebug:
		return "DEBUG"
	case l <= LevelInfo:
		return "INFO"
	case l <= LevelWarn:
		return "WARN"
	default:
		return "ERROR"
	}
}

// parseLevel reads a level name (debug, info, warn, error; any case), or
// returns LevelInfo.
func parseLevel(name string) Level {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "debug":
		return LevelDebug
	case "warn", "warning":
		return LevelWarn
	case "error":
		return LevelError
	default:
		return LevelInfo
	}
}

// NewLogger returns a logger writing records of at least the given level to w.
func NewLogger(w io.Writer, level Level) *Logger {
	return &Logger{w: w, level: level}
}

// Debug logs at LevelDebug.
func (l *Logger) Debug(msg string, args ...any) { l.log(LevelDebug, msg, args) }

// Info logs at LevelInfo.
func (l *Logger) Info(msg string, args ...any) { l.log(LevelInfo, msg, args) }

// Warn logs at LevelWarn.
func (l *Logger) Warn(msg string, args ...any) { l.log(LevelWarn, msg, args) }

// Error logs at LevelError.
func (l *Logger) Error(msg string, args ...any) { l.log(LevelError, msg, args) }

func (l *Logger) log(level Level, msg string, args []any) {
	if level < l.level {
		return
	}
	var buf bytes.Buffer
	buf.WriteString(`{"time":`)
	writeValue(&buf, time.Now().UTC().Format(time.RFC3339Nano))
	buf.WriteString(`,"level":`)
	writeValue(&buf, level.String())
	buf.WriteString(`,"msg":`)
	writeValue(&buf, msg)
	for i := 0; i < len(args); i += 2 {
		key, ok := args[i].(string)
		if !ok || i+1 == len(args) {
			// Same convention as log/slog for a value without a key.
			key, i = "!BADKEY", i-1
		}
		buf.WriteByte(',')
		writeValue(&buf, key)
		buf.WriteByte(':')
		writeValue(&buf, args[i+1])
	}
	buf.WriteString("}\n")

	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(buf.Bytes())
}

// writeValue writes v as JSON: errors and fmt.Stringers as their text (unless
// they marshal themselves), anything json cannot encode as its fmt text.
func writeValue(buf *bytes.Buffer, v any) {
	switch x := v.(type) {
	case json.Marshaler:
	case error:
		v = x.Error()
	case fmt.Stringer:
		v = x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprintf("%+v", v))
	}
	buf.Write(b)
}
