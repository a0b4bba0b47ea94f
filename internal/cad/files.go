package cad

import "sort"

// Copy returns a copy of p; a nil p gives an empty package.
func (p Package) Copy() Package {
	out := make(Package, len(p))
	for k, v := range p {
		out[k] = v
	}
	return out
}

// Paths returns the package's file paths, sorted, so that output and errors
// are stable.
func (p Package) Paths() []string {
	names := make([]string, 0, len(p))
	for name := range p {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
