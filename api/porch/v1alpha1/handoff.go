package v1alpha1

// The handoff between the repository sync and the authoring controller:
// who acts on a revision, and when. The sync mirrors git into revisions and
// their resources; the authoring controller carries out in git what users
// (people, PackageVariants) asked of them. Each acts on an object only when
// these methods say it is its turn, so that neither undoes the other's
// work. An owner reference (a PackageVariant's) changes nothing here: the
// variant asks as a user does.

// Adopted says whether the revision is in its repository already: its task
// ran and the authoring controller labelled it with its repository, or the
// sync made it from git, labelled so from the start. From then on the sync
// mirrors it and updates this object rather than making another.
func (pr *PackageRevision) Adopted() bool {
	return pr.Labels[RepositoryLabel] == pr.Spec.RepositoryName
}

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

// SpecPending says whether a change of the revision's spec waits for the
// authoring controller: a new revision's task, or a lifecycle change. The
// sync observes its own spec changes as it makes them, so a generation not
// observed is a user's; but one the sync made and never observed is the
// sync's to finish (MirrorUnfinished). The sync leaves a pending spec
// alone.
func (pr *PackageRevision) SpecPending() bool {
	return pr.Generation != pr.Status.ObservedGeneration && !pr.MirrorUnfinished()
}

// MirrorUnfinished says whether the sync is still writing resources it
// made: it creates them labelled and without content, then writes their
// status, which observes their generation. The authoring controller leaves
// them alone meanwhile: acknowledging that generation would only make the
// sync's status write conflict and wait for the next sync.
func (prr *PackageRevisionResources) MirrorUnfinished() bool {
	return prr.Labels[RepositoryLabel] != "" && len(prr.Spec.Resources) == 0 && prr.Status.ObservedGeneration == 0
}

// EditPending says whether the resources hold a user's edit of
// spec.resources not yet committed: the authoring controller's to render
// and commit, which the sync leaves alone.
func (prr *PackageRevisionResources) EditPending() bool {
	return len(prr.Spec.Resources) > 0 && prr.Generation != prr.Status.ObservedGeneration
}

// GenerationPending says whether the resources hold a generation the
// authoring controller has to act on: an edit to commit (EditPending), or,
// with no content asked for, a change to acknowledge.
func (prr *PackageRevisionResources) GenerationPending() bool {
	return prr.Generation != prr.Status.ObservedGeneration && !prr.MirrorUnfinished()
}
