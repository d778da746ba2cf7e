package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/bangsa/registry/api"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	addr := fs.String("addr", envOr("REGISTRY_ADDR", ":8080"), "listen address (env REGISTRY_ADDR)")
	demo := fs.Bool("demo", false, "load a small synthetic population into an empty registry on first start")
	rateLimit := fs.Float64("rate-limit", envFloat("REGISTRY_RATE_LIMIT", 200), "sustained requests per second per API key, 0 for none (env REGISTRY_RATE_LIMIT)")
	rateBurst := fs.Int("rate-burst", 400, "burst of requests per API key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelInfo)
	slog.SetDefault(log)

	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)

	if *demo {
		if err := loadDemo(ctx, svc, log); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	handler, _ := api.New(svc, api.Options{Logger: log, RateLimit: *rateLimit, RateBurst: *rateBurst})
	srv := &http.Server{
		Addr:              *addr,
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("registry listening", "addr", ln.Addr().String(), "docs", "/docs", "openapi", "/openapi.json")
	go sealPeriodically(ctx, svc, log, 5*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
