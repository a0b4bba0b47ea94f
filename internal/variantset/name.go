package variantset

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

const (
	// maxNameLength keeps PackageVariant names usable as label values.
	maxNameLength = 63
	// hashLength hex digits of the full name's hash keep shortened names
	// apart; the rest of the limit keeps as much of the name as fits.
	hashLength = 8
)

// PackageVariantName names the PackageVariant a set makes for one
// downstream package. The name is a function of its inputs alone, so the
// controller finds the variant it made before without listing; a name
// longer than a label value is cut and given a hash of the whole.
func PackageVariantName(set, repo, pkg string) string {
	name := set + "-" + repo + "-" + strings.ReplaceAll(pkg, "/", "-")
	if len(name) <= maxNameLength {
		return name
	}
	// sha1 only keeps cut names apart; nothing relies on it being hard to collide.
	sum := sha1.Sum([]byte(name))
	return name[:maxNameLength-hashLength-1] + "-" + hex.EncodeToString(sum[:])[:hashLength]
}
