package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
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
	tlsCert := fs.String("tls-cert", envOr("REGISTRY_TLS_CERT", ""), "serve HTTPS with this certificate (PEM)")
	tlsKey := fs.String("tls-key", envOr("REGISTRY_TLS_KEY", ""), "the certificate's private key (PEM)")
	clientCA := fs.String("client-ca", envOr("REGISTRY_CLIENT_CA", ""), "mutual TLS: CA (PEM) of the ministries' client certificates; API keys then work only with a certificate whose common name is the key's source")
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

	if (*tlsCert == "") != (*tlsKey == "") || (*clientCA != "" && *tlsCert == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together, and --client-ca needs them")
	}
	handler, _ := api.New(svc, api.Options{Logger: log, RateLimit: *rateLimit, RateBurst: *rateBurst, BindKeysToClientCerts: *clientCA != ""})
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
	if *tlsCert != "" {
		cfg, err := serverTLS(*tlsCert, *tlsKey, *clientCA)
		if err != nil {
			return err
		}
		ln = tls.NewListener(ln, cfg)
	}
	log.Info("registry listening", "addr", ln.Addr().String(), "docs", "/docs", "openapi", "/openapi.json")
	go sealPeriodically(ctx, svc, log, 5*time.Second)
	go func() {
		// Uploads this or another registry process accepted but did not finish (it stopped or
		// died) run again from their last checkpoint.
		if err := svc.ResumeLoads(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("resume bulk loads", "err", err)
		}
	}()
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

// serverTLS builds the HTTPS configuration; with a client CA, client certificates are verified
// when presented (health checks need none; the API then requires one per key's source).
func serverTLS(certFile, keyFile, clientCA string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCA != "" {
		pem, err := os.ReadFile(clientCA)
		if err != nil {
			return nil, fmt.Errorf("client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client CA %s: no PEM certificates", clientCA)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.VerifyClientCertIfGiven
	}
	return cfg, nil
}
