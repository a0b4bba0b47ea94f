package packagerevision

// requestSync asks for a sync of the revision's repository after a write,
// so that what the write changes for other objects (the latest revision,
// the package, its placeholder revision) shows soon.
func (r *Reconciler) requestSync(s *scope) {
	if r.Syncs != nil && s.repo != nil {
		r.Syncs.Request(s.repo.Namespace, s.repo.Name)
	}
}
