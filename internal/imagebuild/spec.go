package imagebuild

// Binary is a program an image holds: the Go package built into it, and
// where it is installed.
type Binary struct {
	Path    string
	Package string
}

// Image is one of the product's images: its name (the repository is
// "porch-" + name) and its binaries, the first of which is its entrypoint.
type Image struct {
	Name     string
	Binaries []Binary
}

// Entrypoint is the image's command.
func (i Image) Entrypoint() []string {
	return []string{i.Binaries[0].Path}
}

// Repository is the image's repository name under a registry.
func (i Image) Repository() string {
	return "porch-" + i.Name
}

var (
	isolatedFunction = Binary{Path: "/isolated-function", Package: "./cmd/isolated-function"}
	wrapperServer    = Binary{Path: "/wrapper-server", Package: "./cmd/wrapper-server"}
)

// Images are the product's images. The manager and the runner run
// starlark in isolated-function beside them; the runner's image holds the
// wrapper server too, which its function pods copy out of it.
var Images = []Image{
	{Name: "manager", Binaries: []Binary{{Path: "/manager", Package: "./cmd/manager"}, isolatedFunction}},
	{Name: "runner", Binaries: []Binary{{Path: "/runner", Package: "./cmd/runner"}, isolatedFunction, wrapperServer}},
	{Name: "wrapper-server", Binaries: []Binary{wrapperServer}},
}

// The user every image runs as: not root, and the same number as the
// distroless images' "nonroot", which cluster policies often expect.
const (
	UserID   = 65532
	UserName = "nonroot"
)

// Files every image holds besides its binaries, by path, readable by all.
const (
	CACertificatesPath = "/etc/ssl/certs/ca-certificates.crt"
	PasswdPath         = "/etc/passwd"
	GroupPath          = "/etc/group"
)

// Platforms are those make images builds for.
var Platforms = []string{"linux/amd64", "linux/arm64"}
