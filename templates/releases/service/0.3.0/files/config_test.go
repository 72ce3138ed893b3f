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
{%- if database == 'postgres' %}
	if cfg.DatabaseURL != "" {
		t.Errorf("DatabaseURL = %q, want empty", cfg.DatabaseURL)
	}
{%- endif %}
{%- if cache == 'redis' %}
	if cfg.RedisURL != "" {
		t.Errorf("RedisURL = %q, want empty", cfg.RedisURL)
	}
{%- endif %}
}

func TestLoadConfigFromEnvironment(t *testing.T) {
	vars := map[string]string{"PORT": "9090"}
{%- if database == 'postgres' %}
	vars["DATABASE_URL"] = "postgres://app:secret@db:5432/app"
{%- endif %}
{%- if cache == 'redis' %}
	vars["REDIS_URL"] = "redis://cache:6379/0"
{%- endif %}
	cfg, err := loadConfig(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9090 {
		t.Errorf("Port = %d, want 9090", cfg.Port)
	}
{%- if database == 'postgres' %}
	if cfg.DatabaseURL != "postgres://app:secret@db:5432/app" {
		t.Errorf("DatabaseURL = %q", cfg.DatabaseURL)
	}
{%- endif %}
{%- if cache == 'redis' %}
	if cfg.RedisURL != "redis://cache:6379/0" {
		t.Errorf("RedisURL = %q", cfg.RedisURL)
	}
{%- endif %}
}

func TestLoadConfigRejectsInvalidPort(t *testing.T) {
	for _, port := range []string{"http", "0", "65536", "-1"} {
		if _, err := loadConfig(env(map[string]string{"PORT": port})); err == nil {
			t.Errorf("PORT=%q: no error", port)
		}
	}
}
