package v1alpha1

import "strings"

// RepositoryAndTag splits the image of an OCI lock,
// host/repository[:tag][@digest], into its repository (host/repository)
// and its tag, "" when it names none: a revision in an OCI repository is
// the tag named after its workspace.
func (l *OciLock) RepositoryAndTag() (repository, tag string) {
	image, _, _ := strings.Cut(l.Image, "@")
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash && slash >= 0 {
		return image[:colon], image[colon+1:]
	}
	return image, ""
}
