// Package cadtest helps tests and benchmarks of the engine compare it with
// the kpt CLI: it runs kpt and git, lays packages out on disk and reads them
// back, builds file:// repositories of package versions, and compares
// packages the way the golden tests do. Packages are plain path-to-content
// maps here, so that the engine's own in-package tests can use it too.
package cadtest
