package main

import (
	"fmt"
	"strconv"
)

// defaultPort is the port the service listens on when PORT is not set.
const defaultPort = {{ port }}

// Config is the service configuration, read from the environment at start-up.
type Config struct {
	// Port is the TCP port to listen on (PORT, default {{ port }}).
	Port int
{%- if database == 'postgres' %}

	// DatabaseURL is the PostgreSQL connection string (DATABASE_URL), e.g.
	// postgres://user:password@host:5432/db?sslmode=require. Empty when unset.
	// It holds a password: never log it.
	DatabaseURL string
{%- endif %}
{%- if cache == 'redis' %}

	// RedisURL is the Redis connection string (REDIS_URL), e.g.
	// redis://host:6379/0. Empty when unset. It may hold a password: never
	// log it.
	RedisURL string
{%- endif %}
}

// loadConfig reads the configuration through getenv (os.Getenv outside
// tests).
func loadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{Port: defaultPort}
	if value := getenv("PORT"); value != "" {
		port, err := strconv.Atoi(value)
		if err != nil || port < 1 || port > 65535 {
			return Config{}, fmt.Errorf("PORT=%q is not a valid port (1-65535)", value)
		}
		cfg.Port = port
	}
{%- if database == 'postgres' %}
	cfg.DatabaseURL = getenv("DATABASE_URL")
{%- endif %}
{%- if cache == 'redis' %}
	cfg.RedisURL = getenv("REDIS_URL")
{%- endif %}
	return cfg, nil
}
