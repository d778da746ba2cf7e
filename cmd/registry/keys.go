package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("keys: want a subcommand: create, list or revoke")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	source := fs.String("source", "", "source (ministry) code the key belongs to, e.g. kemenkes")
	scopes := fs.String("scopes", "", "comma-separated scopes: "+scopeList())
	label := fs.String("label", "", "a note on what the key is for")
	ttl := fs.Duration("ttl", 0, "lifetime of the key (e.g. 2160h); 0 never expires")
	id := fs.String("id", "", "key ID (revoke, rotate)")
	grace := fs.Duration("grace", 24*time.Hour, "how long the old key keeps working after rotate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelWarn)

	// Validate before touching the database.
	var parsedScopes []registry.Scope
	var keyID uuid.UUID
	switch sub {
	case "create":
		if err := registry.ValidateSourceCode(*source); err != nil {
			return fmt.Errorf("--source: %w", err)
		}
		var err error
		if parsedScopes, err = registry.ParseScopes(*scopes); err != nil {
			return fmt.Errorf("--scopes: %w", err)
		}
	case "revoke", "rotate":
		var err error
		if keyID, err = uuid.Parse(*id); err != nil {
			return fmt.Errorf("--id: not a key ID")
		}
	case "list":
	default:
		return fmt.Errorf("keys: unknown subcommand %q (create, list, revoke, rotate)", sub)
	}

	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)

	switch sub {
	case "create":
		k, secret, err := svc.CreateKey(ctx, *source, parsedScopes, *label, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "created key %s for source %s with scopes %s; store the secret now, it is not shown again:\n",
			k.ID, k.Source, *scopes)
		fmt.Fprintln(stdout, secret) // the key alone on the last line of stdout
	case "list":
		keys, err := svc.ListKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSOURCE\tSCOPES\tCREATED\tEXPIRES\tSTATE\tLABEL")
		for _, k := range keys {
			state, expires := "active", "never"
			if !k.ExpiresAt.IsZero() {
				expires = k.ExpiresAt.UTC().Format(time.RFC3339)
				if time.Now().After(k.ExpiresAt) {
					state = "expired"
				}
			}
			if !k.RevokedAt.IsZero() {
				state = "revoked"
			}
			sc := make([]string, len(k.Scopes))
			for i, s := range k.Scopes {
				sc[i] = string(s)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Source, strings.Join(sc, ","),
				k.CreatedAt.UTC().Format(time.RFC3339), expires, state, k.Label)
		}
		return tw.Flush()
	case "revoke":
		if err := svc.RevokeKey(ctx, keyID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s\n", keyID)
	case "rotate":
		k, secret, err := svc.RotateKey(ctx, keyID, *grace)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "key %s replaces %s, which stops working in %s; store the secret now, it is not shown again:\n", k.ID, keyID, *grace)
		fmt.Fprintln(stdout, secret)
	}
	return nil
}

func scopeList() string {
	s := make([]string, len(registry.AllScopes))
	for i, sc := range registry.AllScopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ",")
}
