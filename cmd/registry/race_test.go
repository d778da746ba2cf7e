//go:build race

package main

// raceEnabled lets the quality suite skip the sets that take minutes under the race detector.
const raceEnabled = true
