package packagerevision

// requestSync notes that the reconcile wrote to the revision's repository,
// or adopted a revision the sync is to mirror.
// The sync is asked for once the reconcile's own writes are done (see
// Reconcile): a sync that read this revision before then would find its
// change pending and leave it, and then have nothing left to do.
func (r *Reconciler) requestSync(s *scope) {
	s.wroteGit = s.repo != nil
}

// requestFullSync is requestSync for a change no ref shows.
func (r *Reconciler) requestFullSync(s *scope) {
	r.requestSync(s)
	s.fullSync = true
}

// askForSync asks for a sync of the repository the reconcile wrote to, so
// that what the write changed for other objects (the latest revision, the
// package, its placeholder revision) shows soon.
func (r *Reconciler) askForSync(s *scope) {
	switch {
	case r.Syncs == nil || !s.wroteGit:
	case s.fullSync:
		r.Syncs.RequestFull(s.repo.Namespace, s.repo.Name)
	default:
		r.Syncs.Request(s.repo.Namespace, s.repo.Name)
	}
}
