package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// dbFlags are the database flags every command shares.
type dbFlags struct {
	url     string
	dataDir string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.url, "db", envOr("REGISTRY_DATABASE_URL", ""), "PostgreSQL URL (env REGISTRY_DATABASE_URL); empty: embedded database in --data-dir")
	fs.StringVar(&d.dataDir, "data-dir", envOr("REGISTRY_DATA_DIR", "./registry-data"), "embedded database directory (env REGISTRY_DATA_DIR)")
}

// database is an open connection pool, with the embedded cluster behind it if we started one.
type database struct {
	pool    *pgxpool.Pool
	cluster *schema.Cluster
}

// openDB connects to --db, or to the embedded cluster in --data-dir (starting it if no other
// registry process runs it). The embedded database is migrated automatically, since the registry
// owns it; an external one must already be current (`registry migrate`), so that an operator
// decides when a shared database changes.
func openDB(ctx context.Context, d dbFlags, log *slog.Logger, migrate bool) (*database, error) {
	db := &database{}
	url := d.url
	if url == "" {
		c, err := schema.OpenCluster(ctx, d.dataDir, schema.ClusterOptions{Logger: log})
		if err != nil {
			return nil, err
		}
		db.cluster = c
		url = c.URL(schema.DatabaseName)
		migrate = true
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		db.close(ctx)
		return nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.MaxConns = max(cfg.MaxConns, 32)
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		db.close(ctx)
		return nil, fmt.Errorf("connect: %w", err)
	}
	if migrate {
		applied, err := schema.Migrate(ctx, db.pool)
		if err != nil {
			db.close(ctx)
			return nil, err
		}
		if len(applied) > 0 {
			log.Info("applied migrations", "versions", applied)
		}
	}
	if err := schema.Check(ctx, db.pool); err != nil {
		db.close(ctx)
		return nil, err
	}
	return db, nil
}

// close closes the pool and stops the embedded cluster if this process started it.
func (db *database) close(ctx context.Context) {
	if db.pool != nil {
		db.pool.Close()
	}
	if db.cluster != nil {
		if err := db.cluster.Stop(context.WithoutCancel(ctx)); err != nil {
			slog.Default().Warn("stop embedded database", "err", err)
		}
	}
}

func (db *database) service(log *slog.Logger) *registry.Service {
	return registry.NewService(pgstore.New(db.pool), registry.Options{Logger: log, Model: matching.DefaultModel()})
}
