package v1alpha1

// MirrorUnfinished says whether the repository sync made this revision from
// git and has not yet written its status: it creates the object labelled
// with its repository, then records in the status what it observed. The
// authoring controller, which adopts a user's revision by writing its
// status before the label, leaves such a revision to the sync, and the sync
// finishes it, even when its status write failed (the apiserver went away,
// the manager died) and a later sync finds it so.
func (pr *PackageRevision) MirrorUnfinished() bool {
	repository := pr.Labels[RepositoryLabel]
	return repository != "" && repository == pr.Spec.RepositoryName && pr.Status.ObservedGeneration == 0
}
