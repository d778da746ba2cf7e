// Command registry runs the citizen registry: the HTTP API, migrations, API keys, bulk loads,
// exports and the synthetic population generator. Run `registry help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

const usage = `registry — the citizen master-data registry

Usage: registry <command> [flags]

Commands:
  serve          run the HTTP API (embedded database unless --db is given)
  migrate        apply database migrations
  keys create    mint an API key: --source CODE --scopes submit,resolve,...
  keys list      list API keys
  keys revoke    revoke a key: --id UUID
  keys rotate    replace a key: --id UUID [--grace 24h] (the old one works until the grace ends)
  load           load person files: --source CODE FILE... (CSV or NDJSON, gzip ok, - for stdin)
  export links   write every active link as CSV (source,local_id,citizen_id)
  train          learn the matching model from the loaded records and activate it
                 (--list, --activate VERSION, --export FILE, --import FILE)
  eval           compare the links with a truth file: --truth FILE [--hard-negatives FILE] [--json]
  audit verify   check the hash chains of events and access log (--anchor to compare with a kept head)
  audit head     print the chain heads to anchor outside the database
  grants add|list|remove   what sources may see beyond the default: --source S --kind K [--target T --field F]
  nik-keys init FILE | rotate [FILE]   the NIK encryption key file (embedded: DATA_DIR/nik-keys.json)
  gen            generate a synthetic Indonesian population with ground truth

Database flags (every command that needs one):
  --db URL         PostgreSQL 15+ to use (env REGISTRY_DATABASE_URL)
  --data-dir DIR   where the embedded database lives when --db is absent (env REGISTRY_DATA_DIR,
                   default ./registry-data)

Run 'registry <command> -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "registry:", err)
		}
		os.Exit(1)
	}
}

// errUsage reports that usage was already printed.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "keys":
		return runKeys(ctx, rest, stdout, stderr)
	case "load":
		return runLoad(ctx, rest, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, stdout, stderr)
	case "nik-keys":
		return runNIKKeys(ctx, rest, stdout, stderr)
	case "grants":
		return runGrants(ctx, rest, stdout, stderr)
	case "train":
		return runTrain(ctx, rest, stdout, stderr)
	case "eval":
		return runEval(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
