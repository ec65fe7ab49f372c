// Command {{ name }}: {{ description }}.
//
// It serves HTTP on $PORT (default {{ port }}). `{{ name }} healthcheck` asks a running
// instance for /healthz and exits 0 or 1, for the container's HEALTHCHECK (the
// runtime image has no shell and no curl).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const defaultPort = "{{ port }}"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = defaultPort
	}
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(port))
	}
	if err := serve(port); err != nil {
		logLine("error", err.Error())
		os.Exit(1)
	}
}

func serve(port string) error {
	app := newApp()
	server := &http.Server{
		Addr:              ":" + port,
		Handler:           app.routes(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	errs := make(chan error, 1)
	go func() { errs <- server.ListenAndServe() }()
	logLine("info", "listening on :"+port)

	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	// Fail readiness first so the Service stops sending new requests, then drain.
	app.setReady(false)
	logLine("info", "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errs; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// logLine writes one JSON log line on stdout (level, msg), the shape Loki and
// Grafana parse.
func logLine(level, msg string) {
	line, _ := json.Marshal(map[string]string{"level": level, "msg": msg})
	fmt.Println(string(line))
}

// healthcheck returns 0 when the local instance answers /healthz with 200.
func healthcheck(port string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
