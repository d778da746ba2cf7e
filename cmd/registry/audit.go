package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/bangsa/registry/registry"
)

type anchorList []registry.AuditHead

func (a *anchorList) String() string { return fmt.Sprint(*a) }

// Set parses an anchor as printed by `registry audit head`: chain:upto:hexhash.
func (a *anchorList) Set(s string) error {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return errors.New("want chain:upto:hexhash, as printed by `registry audit head`")
	}
	upto, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return fmt.Errorf("upto: %w", err)
	}
	head, err := hex.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("hash: %w", err)
	}
	*a = append(*a, registry.AuditHead{Chain: parts[0], SealedUpto: upto, Head: head})
	return nil
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("audit: want a subcommand: verify, head or seal")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("audit "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	var anchors anchorList
	fs.Var(&anchors, "anchor", "a head printed earlier by `registry audit head` (repeatable): detects rewritten or truncated chains")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sub != "verify" && sub != "head" && sub != "seal" {
		return fmt.Errorf("audit: unknown subcommand %q (verify, head, seal)", sub)
	}
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)

	switch sub {
	case "seal":
		n, err := svc.Seal(ctx, registry.SealDelay)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "sealed %d events and %d access-log rows\n", n[registry.ChainEvents], n[registry.ChainAccessLog])
	case "head":
		// Seal what is due first, so the head printed covers everything that can be sealed.
		if _, err := svc.Seal(ctx, registry.SealDelay); err != nil {
			return err
		}
		heads, err := svc.AuditHeads(ctx)
		if err != nil {
			return err
		}
		for _, h := range heads {
			fmt.Fprintln(stdout, h.String())
		}
	case "verify":
		start := time.Now()
		problems, err := svc.VerifyAudit(ctx, anchors)
		if err != nil {
			return err
		}
		for _, p := range problems {
			fmt.Fprintln(stdout, p.String())
		}
		if len(problems) > 0 {
			return fmt.Errorf("audit: %d problems found: the logs were tampered with", len(problems))
		}
		heads, _ := svc.AuditHeads(ctx)
		for _, h := range heads {
			fmt.Fprintf(stdout, "%s: %d rows verified\n", h.Chain, h.SealedUpto)
		}
		fmt.Fprintf(stdout, "ok (%.1fs)\n", time.Since(start).Seconds())
	}
	return nil
}

// sealPeriodically keeps the logs' hash chains current while the server runs.
func sealPeriodically(ctx context.Context, svc *registry.Service, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := svc.Seal(ctx, registry.SealDelay); err != nil && ctx.Err() == nil {
				log.Warn("sealing the audit logs failed; will retry", "err", err)
			}
		}
	}
}
