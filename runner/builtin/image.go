package builtin

import "strings"

// registries are the image prefixes the catalog has published under: the
// current one and the one older packages still name.
var registries = []string{
	"ghcr.io/kptdev/krm-functions-catalog/",
	"gcr.io/kpt-fn/",
}

// parseImage splits a catalog image into the function's name and tag. ok is
// false for an image of another registry, a digest, or one without a tag:
// a builtin must know which version it stands in for.
func parseImage(image string) (name, tag string, ok bool) {
	for _, r := range registries {
		rest, found := strings.CutPrefix(image, r)
		if !found {
			continue
		}
		if strings.Contains(rest, "@") {
			return "", "", false
		}
		name, tag, ok = strings.Cut(rest, ":")
		return name, tag, ok && name != "" && tag != ""
	}
	return "", "", false
}

// tagMatches reports whether tag is the version prefix or one of its
// releases: v0.4 matches v0.4 and v0.4.5, not v0.40 or v0.5.
func tagMatches(prefix, tag string) bool {
	return tag == prefix || strings.HasPrefix(tag, prefix+".")
}
