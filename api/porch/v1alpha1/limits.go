package v1alpha1

import (
	"encoding/json"
	"fmt"
)

// Limits of a package's file names, as most file systems and git hosts
// hold them: a longer name could be committed here and then not be checked
// out anywhere else.
const (
	// MaxFileNameSegmentBytes bounds one segment (file or folder name) of
	// a file path of a package.
	MaxFileNameSegmentBytes = 255
	// MaxFilePathBytes bounds a whole file path of a package.
	MaxFilePathBytes = 4096
)

// The content limit and the object it must fit in. A Draft's
// PackageRevisionResources holds the package twice, as the user wrote it
// (spec.resources) and as committed after render (status.resources), and
// the apiserver stores the object as one etcd request: both copies, the
// render status and the metadata must fit under etcd's request limit, or
// an edit that was accepted and committed could not be recorded.
const (
	// DefaultMaxObjectBytes is etcd's default request limit
	// (--max-request-bytes), 1.5 MiB.
	DefaultMaxObjectBytes = 3 << 19
	// ReservedObjectBytes is what an object of a package keeps beside its
	// two copies of the content: annotations (at most 256 KiB, an
	// apiserver limit), the render status (at most MaxRenderStatusBytes)
	// and the rest of the metadata and spec.
	ReservedObjectBytes = 512 << 10
	// MaxRenderStatusBytes bounds status.renderStatus; what a pipeline's
	// functions report beyond it is left out.
	MaxRenderStatusBytes = 128 << 10
	// DefaultMaxPackageBytes is the largest package that can be edited
	// under DefaultMaxObjectBytes: 512 KiB.
	DefaultMaxPackageBytes = (DefaultMaxObjectBytes - ReservedObjectBytes) / 2
)

// MaxEditablePackageBytes is the largest content limit under which an edit
// can always be recorded in an object of at most maxObjectBytes.
func MaxEditablePackageBytes(maxObjectBytes int64) int64 {
	return (maxObjectBytes - ReservedObjectBytes) / 2
}

// CheckPackageLimit refuses a content limit with which an accepted edit
// could not be recorded in an object of at most maxObjectBytes.
func CheckPackageLimit(maxPackageBytes, maxObjectBytes int64) error {
	largest := MaxEditablePackageBytes(maxObjectBytes)
	if maxPackageBytes <= 0 || maxPackageBytes > largest {
		return fmt.Errorf("--max-package-bytes=%d must be between 1 and %d: a Draft's PackageRevisionResources holds its package twice "+
			"(spec.resources and status.resources) beside %d bytes of metadata and render status, and must fit in one object of "+
			"at most %d bytes (--max-object-bytes, etcd's --max-request-bytes)", maxPackageBytes, largest, ReservedObjectBytes, maxObjectBytes)
	}
	return nil
}

// ResourcesSize is what a package's files take in a stored
// PackageRevisionResources: the JSON encoding of the map of file names to
// contents (escapes included), plus each file name once more for the
// apiserver's record of who owns each field (metadata.managedFields,
// where a file is `"f:NAME":{},`). It is at least the sum of the
// contents' sizes, the measure of the content limit for packages read
// from a repository.
func ResourcesSize(resources map[string]string) int64 {
	size := int64(4) // {} and {}
	for name, content := range resources {
		// "NAME":"CONTENT", and "f:NAME":{},
		size += jsonStringSize(name) + jsonStringSize(content) + 2 + jsonStringSize(name) + 6
	}
	return size
}

// jsonStringSize is the size of s encoded as a JSON string, as the
// apiserver encodes it.
func jsonStringSize(s string) int64 {
	b, err := json.Marshal(s)
	if err != nil {
		// A string always encodes; invalid UTF-8 becomes U+FFFD.
		return int64(6 * len(s))
	}
	return int64(len(b))
}
