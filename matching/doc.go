// Package matching decides whether two person records describe the same
// citizen.
//
// The registry links records from many ministries to one citizen without
// trusting any single identifier, because every field of a real register is
// sometimes wrong: NIKs are mistyped or borrowed, names come with and without
// titles in old and new spelling, birth dates are placeholders. The package
// therefore works in stages that each tolerate those errors:
//
//   - Normalize turns a raw Record into a comparable Normalized form and
//     reports field-level Issues (the field is ignored, the record kept);
//   - BlockingKeys gives a few selective keys; records sharing one are
//     candidate pairs (the registry indexes the keys in PostgreSQL);
//   - Model.Compare scores a pair with Fellegi-Sunter match weights per
//     field and comparison level, with term-frequency adjustment, and
//     explains the score field by field;
//   - Train estimates a new Model from unlabelled records (u from random
//     pairs, m by EM, term frequencies from value counts);
//   - Model.Decide chooses link, review or new for a submitted record;
//     Cluster groups a batch into people without chaining distinct people.
//
// The package is pure: no I/O, no mutable package state, no clock, no
// randomness except Train's seeded sampler. The same inputs give the same
// outputs on every registry process.
package matching
