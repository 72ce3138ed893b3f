package main

import (
	"fmt"
	"strconv"
)

// defaultPort is the port the service listens on when PORT is not set.
const defaultPort = 9000

// Config is the service configuration, read from the environment at start-up.
type Config struct {
	// Port is the TCP port to listen on (PORT, default 9000).
	Port int

	// DatabaseURL is the PostgreSQL connection string (DATABASE_URL), e.g.
	// postgres://user:password@host:5432/db?sslmode=require. Empty when unset.
	// It holds a password: never log it.
	DatabaseURL string

	// RedisURL is the Redis connection string (REDIS_URL), e.g.
	// redis://host:6379/0. Empty when unset. It may hold a password: never
	// log it.
	RedisURL string
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
	cfg.DatabaseURL = getenv("DATABASE_URL")
	cfg.RedisURL = getenv("REDIS_URL")
	return cfg, nil
}
