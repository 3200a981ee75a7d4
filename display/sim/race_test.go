//go:build race

package sim

// raceDetector is true when the tests run with -race.
const raceDetector = true
