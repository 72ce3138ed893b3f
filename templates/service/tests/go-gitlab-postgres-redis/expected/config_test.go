package main

import "testing"

// env is a fake environment for loadConfig.
func env(vars map[string]string) func(string) string {
	return func(key string) string { return vars[key] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != defaultPort {
		t.Errorf("Port = %d, want %d", cfg.Port, defaultPort)
	}
	if cfg.DatabaseURL != "" {
		t.Errorf("DatabaseURL = %q, want empty", cfg.DatabaseURL)
	}
	if cfg.RedisURL != "" {
		t.Errorf("RedisURL = %q, want empty", cfg.RedisURL)
	}
}

func TestLoadConfigFromEnvironment(t *testing.T) {
	vars := map[string]string{"PORT": "9090"}
	vars["DATABASE_URL"] = "postgres://app:secret@db:5432/app"
	vars["REDIS_URL"] = "redis://cache:6379/0"
	cfg, err := loadConfig(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9090 {
		t.Errorf("Port = %d, want 9090", cfg.Port)
	}
	if cfg.DatabaseURL != "postgres://app:secret@db:5432/app" {
		t.Errorf("DatabaseURL = %q", cfg.DatabaseURL)
	}
	if cfg.RedisURL != "redis://cache:6379/0" {
		t.Errorf("RedisURL = %q", cfg.RedisURL)
	}
}

func TestLoadConfigRejectsInvalidPort(t *testing.T) {
	for _, port := range []string{"http", "0", "65536", "-1"} {
		if _, err := loadConfig(env(map[string]string{"PORT": port})); err == nil {
			t.Errorf("PORT=%q: no error", port)
		}
	}
}
