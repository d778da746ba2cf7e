//go:build race

package matching

// raceEnabled lets slow tests shrink their work under the race detector.
const raceEnabled = true
