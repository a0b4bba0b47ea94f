// Package render runs a package's Kptfile pipeline the way `kpt fn render`
// does: subpackages first, then their parent over its own resources and the
// rendered subpackages', mutators then validators, each function called
// through a cad.FunctionRunner so the engine never starts processes itself.
package render
