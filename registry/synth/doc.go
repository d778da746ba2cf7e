// Package synth generates a synthetic Indonesian population and the messy
// per-ministry extracts that a master-data registry has to reconcile.
//
// The generator follows the specification in docs/indonesia.md section 6:
//
//   - a truth layer of households and persons (regions weighted by
//     population, regional naming styles, placeholder birth dates, NIK and KK
//     numbers built the way Dukcapil builds them, phones);
//   - a source layer: Dukcapil, Kemenkes, Kemendikbud, Kemensos and DJP each
//     keep their eligible persons with a coverage rate, add duplicates, and
//     corrupt fields at per-field error rates, in their own formatting habits;
//   - injected hard negatives (twins, look-alikes, siblings, parent/child
//     confusion, household members) reported separately.
//
// Every rate lives in Config, with documented defaults and a dirtier "legacy"
// scenario. Generation is deterministic (one PCG stream per concern, no map
// iteration in output paths, no goroutines) and streaming: households are
// generated, written and forgotten, so memory stays flat as the population
// grows; only the NIK and KK serial counters grow, bounded by the number of
// 12-digit prefixes.
//
// The package is a pure library: it uses the standard library only, holds no
// global mutable state, and writes only inside the output directory it is
// given.
package synth
