package registry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/bangsa/registry/matching"
)

// ModelInfo describes a stored matching model without its parameters.
type ModelInfo struct {
	Version   string
	Active    bool
	CreatedAt time.Time
}

// TrainOptions control TrainModel. The zero value is usable.
type TrainOptions struct {
	// MaxRecords caps the records Train sees (default 200,000): EM needs a representative sample,
	// not every record, and Train holds its input in memory. Larger registries are sampled
	// uniformly (reservoir sampling over the stored order).
	MaxRecords int
	// Seed seeds the sample and Train's random pairs: the same records and seed give the same
	// model, hence the same version (default 1).
	Seed uint64
	// RandomPairs is how many random pairs estimate u (default: matching.Train's).
	RandomPairs int
}

// TrainReport says what a training run read.
type TrainReport struct {
	// Records is how many records the registry holds; Sampled how many were trained on.
	Records int    `json:"records"`
	Sampled int    `json:"sampled"`
	Seed    uint64 `json:"seed"`
}

// DefaultTrainRecords is TrainOptions.MaxRecords' default.
const DefaultTrainRecords = 200_000

// TrainModel estimates a matching model from the normalised records the registry holds, without
// labels (matching.Train: u from random pairs, m by EM, prior, term frequencies). It neither
// stores nor activates the model (see SaveModel). Training always starts from
// matching.DefaultModel(), whose thresholds and policy levels it keeps, so a model depends only on
// the data and the seed, never on which models were trained before. It returns
// matching.ErrTooFewRecords (wrapped) when the registry holds fewer than two records.
func (s *Service) TrainModel(ctx context.Context, opts TrainOptions) (*matching.Model, TrainReport, error) {
	if opts.MaxRecords <= 0 {
		opts.MaxRecords = DefaultTrainRecords
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	rep := TrainReport{Seed: opts.Seed}
	sample := make([]matching.Normalized, 0, min(opts.MaxRecords, 1<<16))
	// Algorithm R: every record has the same chance to be kept, in one pass and bounded memory.
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed5a3b1e))
	err := s.store.NormalizedRecords(ctx, func(n matching.Normalized) error {
		rep.Records++
		if len(sample) < opts.MaxRecords {
			sample = append(sample, n)
		} else if j := rng.IntN(rep.Records); j < opts.MaxRecords {
			sample[j] = n
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, rep, fmt.Errorf("read records for training: %w", err)
	}
	rep.Sampled = len(sample)
	m, err := matching.Train(sample, matching.TrainOptions{Seed: opts.Seed, RandomPairs: opts.RandomPairs, Base: matching.DefaultModel()})
	if err != nil {
		return nil, rep, fmt.Errorf("train model: %w", err)
	}
	return m, rep, nil
}

// SaveModel stores m and, when activate is set, makes it the registry's active model and the
// model this Service decides with from now on (other processes pick it up when they start).
// ErrConflict when m's version already names other parameters.
func (s *Service) SaveModel(ctx context.Context, m *matching.Model, activate bool) error {
	if err := s.store.SaveModel(ctx, m, activate); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	if activate {
		s.SetModel(m)
	}
	return nil
}

// ActivateModel makes a stored model the active one (a rollback to an earlier model, say) and
// this Service's model. ErrNotFound if no stored model has that version.
func (s *Service) ActivateModel(ctx context.Context, version string) (*matching.Model, error) {
	if err := s.store.ActivateModel(ctx, version); err != nil {
		return nil, fmt.Errorf("activate model: %w", err)
	}
	return s.UseActiveModel(ctx)
}

// UseActiveModel switches this Service to the registry's active model and returns it. When no
// model is active it keeps the current one and returns ErrNotFound (wrapped), so a registry that
// was never trained still matches with matching.DefaultModel().
func (s *Service) UseActiveModel(ctx context.Context) (*matching.Model, error) {
	m, err := s.store.ActiveModel(ctx)
	if err != nil {
		return nil, fmt.Errorf("load active model: %w", err)
	}
	if len(m.Fields) == 0 {
		return nil, fmt.Errorf("load active model %s: %w: it has no field parameters", m.Version, ErrInvalid)
	}
	s.SetModel(m)
	return m, nil
}

// ListModels lists the stored models, newest first.
func (s *Service) ListModels(ctx context.Context) ([]ModelInfo, error) {
	out, err := s.store.ListModels(ctx)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	return out, nil
}
