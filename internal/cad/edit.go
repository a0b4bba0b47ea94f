package cad

// Edit returns a copy of source: a new revision that starts where the source
// revision is, and can change without touching it.
func Edit(source Package) Package {
	return source.Copy()
}
