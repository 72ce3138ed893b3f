package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestLoggerWritesJSONLines(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf, LevelInfo)
	log.Debug("hidden")
	log.Info("listening", "addr", ":8080", "ready", true)
	log.Error("failed", "error", errors.New("boom"))

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2 (debug is below the level):\n%s", len(lines), buf.String())
	}
	var records []map[string]any
	for _, line := range lines {
		var record map[string]any
		if err := json.Unmarshal([]byte(line), &record); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		if _, ok := record["time"].(string); !ok {
			t.Errorf("line %q has no time", line)
		}
		records = append(records, record)
	}

	first, second := records[0], records[1]
	if first["level"] != "INFO" || first["msg"] != "listening" || first["addr"] != ":8080" || first["ready"] != true {
		t.Errorf("first record = %v", first)
	}
	if second["level"] != "ERROR" || second["error"] != "boom" {
		t.Errorf("second record = %v", second)
	}
}

func TestParseLevel(t *testing.T) {
	for name, want := range map[string]slog.Level{
		"debug": LevelDebug, "INFO": LevelInfo, "warn": LevelWarn,
		"error": LevelError, "": defaultLevel, "bogus": defaultLevel,
	} {
		if got := parseLevel(name); got != want {
			t.Errorf("parseLevel(%q) = %v, want %v", name, got, want)
		}
	}
}
