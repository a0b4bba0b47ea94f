package envtest

// The crd_*_test.go files check every validation rule of the CRDs against the
// real apiserver. Objects are written as unstructured YAML, so that a test can
// send exactly what a user could (empty strings, explicit zeroes, missing
// required fields), which the typed structs with omitempty cannot. Each table
// entry is a JSON merge patch (RFC 7386: null removes a field) applied to a
// valid base object, and the refusal it expects: "" when it must be accepted.
// They write as the manager's user (sys), which the PackageRevision and
// PackageRevisionResources webhooks let through, so that what is refused is
// the schema's doing; the webhooks' rules for users are tested in
// packagerevision_webhook_test.go.

import (
	"encoding/json"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// doc turns a YAML string or a map into a fresh JSON-compatible map.
func doc(v any) map[string]any {
	GinkgoHelper()
	var data []byte
	switch d := v.(type) {
	case nil:
		return map[string]any{}
	case string:
		j, err := yaml.YAMLToJSON([]byte(d))
		Expect(err).NotTo(HaveOccurred(), "bad YAML: %s", d)
		data = j
	default:
		j, err := json.Marshal(d)
		Expect(err).NotTo(HaveOccurred())
		data = j
	}
	m := map[string]any{}
	Expect(json.Unmarshal(data, &m)).To(Succeed())
	return m
}

// merge applies patch to dst as a JSON merge patch: null removes a field.
func merge(dst, patch map[string]any) map[string]any {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(dst, k)
		case map[string]any:
			dv, ok := dst[k].(map[string]any)
			if !ok {
				dv = map[string]any{}
			}
			dst[k] = merge(dv, pv)
		default:
			dst[k] = v
		}
	}
	return dst
}

// at nests value under path: at(1, "a", "b") is {"a": {"b": 1}}.
func at(value any, path ...string) map[string]any {
	v := value
	for i := len(path) - 1; i >= 0; i-- {
		v = map[string]any{path[i]: v}
	}
	return v.(map[string]any)
}

// long is a string of n letters.
func long(n int) string { return strings.Repeat("a", n) }

// list is a list of n items, each made by item(i).
func list(n int, item func(i int) any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = item(i)
	}
	return out
}

// build is base with the patches merged in, in namespace ns.
func build(ns, base string, patches ...any) *unstructured.Unstructured {
	GinkgoHelper()
	m := doc(base)
	namesItself := false
	for _, p := range patches {
		pm := doc(p)
		if meta, ok := pm["metadata"].(map[string]any); ok {
			_, namesItself = meta["name"]
		}
		m = merge(m, pm)
	}
	if m["kind"] == "PackageRevision" && !namesItself {
		nameFromSpec(m)
	}
	data, err := json.Marshal(m)
	Expect(err).NotTo(HaveOccurred())
	u := &unstructured.Unstructured{}
	Expect(u.UnmarshalJSON(data)).To(Succeed())
	u.SetNamespace(ns)
	return u
}

// nameFromSpec names a PackageRevision as the schema demands,
// <repository>.<package path with / as .>.<workspace>, when its spec has them.
func nameFromSpec(m map[string]any) {
	spec, _ := m["spec"].(map[string]any)
	repo, ok1 := spec["repository"].(string)
	pkg, ok2 := spec["packageName"].(string)
	ws, ok3 := spec["workspaceName"].(string)
	if ok1 && ok2 && ok3 && repo != "" && pkg != "" && ws != "" {
		m["metadata"].(map[string]any)["name"] = repo + "." + strings.ReplaceAll(pkg, "/", ".") + "." + ws
	}
}

// mergePatch is v, a YAML string or a map, as a JSON merge patch.
func mergePatch(v any) client.Patch {
	GinkgoHelper()
	data, err := json.Marshal(doc(v))
	Expect(err).NotTo(HaveOccurred())
	return client.RawPatch(types.MergePatchType, data)
}

// expectOutcome asserts that err is nil when want is empty, and otherwise an
// Invalid error whose text holds want.
func expectOutcome(err error, want string) {
	GinkgoHelper()
	if want == "" {
		Expect(err).NotTo(HaveOccurred())
		return
	}
	Expect(err).To(HaveOccurred(), "expected a refusal with %q", want)
	GinkgoWriter.Printf("refused: %v\n", err)
	Expect(apierrors.IsInvalid(err)).To(BeTrue(), "expected Invalid, got: %v", err)
	Expect(err.Error()).To(ContainSubstring(want))
}

// creating is a table body: create base with patch, expect want.
func creating(base string) func(patch any, want string) {
	return func(patch any, want string) {
		expectOutcome(sys.Create(ctx, build(newNamespace(), base, patch)), want)
	}
}

// updating is a table body: create base, patch it, expect want.
func updating(base string, patch any, want string) {
	GinkgoHelper()
	obj := build(newNamespace(), base)
	Expect(sys.Create(ctx, obj)).To(Succeed())
	expectOutcome(sys.Patch(ctx, obj, mergePatch(patch)), want)
}

// updatingStatus is a table body: create base, patch its status, expect want.
func updatingStatus(base string) func(patch any, want string) {
	return func(patch any, want string) {
		obj := build(newNamespace(), base)
		Expect(sys.Create(ctx, obj)).To(Succeed())
		expectOutcome(sys.Status().Patch(ctx, obj, mergePatch(patch)), want)
	}
}

// Messages of the apiserver's OpenAPI schema validation.
func required(path string) string { return path + ": Required value" }
func tooLong(path string, n int) string {
	return fmt.Sprintf("%s: Too long: may not be more than %d bytes", path, n)
}
func tooShort(path string) string {
	return fmt.Sprintf(`%s: Invalid value: "": %s in body should be at least 1 chars long`, path, path)
}
func tooMany(path string, got, most int) string {
	if most == 1 {
		return fmt.Sprintf("%s: Too many: %d: must have at most 1 item", path, got)
	}
	return fmt.Sprintf("%s: Too many: %d: must have at most %d items", path, got, most)
}
func unsupported(path, value string) string {
	return fmt.Sprintf("%s: Unsupported value: %q: supported values: ", path, value)
}
func noMatch(path, value, pattern string) string {
	return fmt.Sprintf("%s: Invalid value: %q: %s in body should match '%s'", path, value, path, pattern)
}

// rule is the message of a CEL rule on the scalar value at path; objRule of
// one on an object or list, which the apiserver reports without the value.
func rule(path, value, message string) string {
	return fmt.Sprintf("%s: Invalid value: %q: %s", path, value, message)
}
func objRule(path, message string) string {
	return fmt.Sprintf("%s: Invalid value: %s", path, message)
}

const (
	gitRepository = `
apiVersion: config.porch.kpt.dev/v1alpha1
kind: Repository
metadata: {name: demo}
spec:
  type: git
  git: {repo: "http://127.0.0.1:1/x.git"}
`
	ociRepository = `
apiVersion: config.porch.kpt.dev/v1alpha1
kind: Repository
metadata: {name: demo}
spec:
  type: oci
  oci: {registry: "127.0.0.1:1/packages"}
`
	badBranch   = "spec.git.branch must be a valid git branch name: letters, digits and . _ / - starting with a letter or digit; not HEAD; no '..', '//' or '/.'; no part ending in '.lock'; not ending in '/' or '.'"
	badRepoURL  = "spec.git.repo must be a URL (https://, http://, ssh://, git://, file://) or an scp-like address user@host:path"
	notDNSLabel = "must be a DNS label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
)

var _ = Describe("Repository validation", func() {
	branch := func(b string) map[string]any { return at(b, "spec", "git", "branch") }

	DescribeTable("create", creating(gitRepository),
		Entry("minimal git", nil, ""),
		Entry("every field", `
spec:
  description: blueprints
  deployment: true
  content: Package
  sync: {schedule: "*/10 * * * *", runOnceAt: "2030-01-01T00:00:00Z"}
  git: {branch: main, createBranch: true, directory: pkgs, secretRef: {name: creds}, author: a, email: a@example.com}
`, ""),
		Entry("minimal oci", `{spec: {type: oci, git: null, oci: {registry: "127.0.0.1:1/packages", secretRef: {name: creds}}}}`, ""),

		Entry("name a DNS label of 63", at(long(63), "metadata", "name"), ""),
		// The webhook's refusal, with the field path and the value.
		Entry("name of 64", at(long(64), "metadata", "name"), rule("metadata.name", long(64), notDNSLabel)),
		Entry("name with a dot", `{metadata: {name: a.b}}`, rule("metadata.name", "a.b", notDNSLabel)),
		Entry("name uppercase", `{metadata: {name: Demo}}`, `metadata.name: Invalid value: "Demo": a lowercase RFC 1123 subdomain`),

		Entry("type missing", `{spec: {type: null}}`, required("spec.type")),
		Entry("type svn", `{spec: {type: svn}}`, unsupported("spec.type", "svn")),
		Entry("git type without git", `{spec: {git: null}}`, objRule("spec", "spec.git is required when spec.type is git")),
		Entry("git type with oci", `{spec: {oci: {registry: r}}}`, objRule("spec", "spec.oci must not be set when spec.type is git")),
		Entry("oci type without oci", `{spec: {type: oci, git: null}}`, objRule("spec", "spec.oci is required when spec.type is oci")),
		Entry("oci type with git", `{spec: {type: oci, oci: {registry: r}}}`, objRule("spec", "spec.git must not be set when spec.type is oci")),

		Entry("content Package", `{spec: {content: Package}}`, ""),
		Entry("content Function", `{spec: {content: Function}}`, unsupported("spec.content", "Function")),
		Entry("description of 1024", at(long(1024), "spec", "description"), ""),
		Entry("description of 1025", at(long(1025), "spec", "description"), tooLong("spec.description", 1024)),
		// A cron expression of 128 characters: the webhook refuses one that is not.
		Entry("schedule of 128", at(strings.Repeat("0,", 59)+"00 0 1 1 *", "spec", "sync", "schedule"), ""),
		Entry("schedule of 129", at(long(129), "spec", "sync", "schedule"), tooLong("spec.sync.schedule", 128)),
		Entry("runOnceAt not a time", `{spec: {sync: {runOnceAt: tomorrow}}}`,
			`spec.sync.runOnceAt: Invalid value: "tomorrow": spec.sync.runOnceAt in body must be of type date-time`),

		Entry("repo missing", `{spec: {git: {repo: null}}}`, required("spec.git.repo")),
		Entry("repo empty", `{spec: {git: {repo: ""}}}`, tooShort("spec.git.repo")),
		Entry("repo of 2048", at("https://"+long(2040), "spec", "git", "repo"), ""),
		Entry("repo of 2049", at("https://"+long(2041), "spec", "git", "repo"), tooLong("spec.git.repo", 2048)),
		Entry("repo ssh://", `{spec: {git: {repo: "ssh://git@example.com/x.git"}}}`, ""),
		Entry("repo git://", `{spec: {git: {repo: "git://example.com/x.git"}}}`, ""),
		Entry("repo file://", `{spec: {git: {repo: "file:///srv/x.git"}}}`, ""),
		Entry("repo scp-like", `{spec: {git: {repo: "git@github.com:org/x.git"}}}`, ""),
		Entry("repo without scheme", `{spec: {git: {repo: "github.com/org/x.git"}}}`, rule("spec.git.repo", "github.com/org/x.git", badRepoURL)),
		Entry("repo local path", `{spec: {git: {repo: "/srv/x.git"}}}`, rule("spec.git.repo", "/srv/x.git", badRepoURL)),
		Entry("repo ftp://", `{spec: {git: {repo: "ftp://example.com/x.git"}}}`, rule("spec.git.repo", "ftp://example.com/x.git", badRepoURL)),

		Entry("branch main", branch("main"), ""),
		Entry("branch release/v1.2", branch("release/v1.2"), ""),
		Entry("branch feature-x", branch("feature-x"), ""),
		Entry("branch of 255", branch(long(255)), ""),
		Entry("branch of 256", branch(long(256)), tooLong("spec.git.branch", 255)),
		Entry("branch empty", branch(""), tooShort("spec.git.branch")),
		Entry("branch feature..x", branch("feature..x"), rule("spec.git.branch", "feature..x", badBranch)),
		Entry("branch x.lock", branch("x.lock"), rule("spec.git.branch", "x.lock", badBranch)),
		Entry("branch x/", branch("x/"), rule("spec.git.branch", "x/", badBranch)),
		Entry("branch x.", branch("x."), rule("spec.git.branch", "x.", badBranch)),
		Entry("branch a//b", branch("a//b"), rule("spec.git.branch", "a//b", badBranch)),
		Entry("branch a/.b", branch("a/.b"), rule("spec.git.branch", "a/.b", badBranch)),
		Entry("branch -x", branch("-x"), rule("spec.git.branch", "-x", badBranch)),
		Entry("branch a b", branch("a b"), rule("spec.git.branch", "a b", badBranch)),
		Entry("branch a@{b", branch("a@{b"), rule("spec.git.branch", "a@{b", badBranch)),
		Entry("branch x.lock/y", branch("x.lock/y"), rule("spec.git.branch", "x.lock/y", badBranch)),
		Entry("branch HEAD", branch("HEAD"), rule("spec.git.branch", "HEAD", badBranch)),
		Entry("branch HEADS/x", branch("HEADS/x"), ""),

		Entry("directory pkgs/team", `{spec: {git: {directory: pkgs/team}}}`, ""),
		Entry("directory a..b", `{spec: {git: {directory: a..b}}}`, ""),
		Entry("directory ..", `{spec: {git: {directory: ".."}}}`, rule("spec.git.directory", "..", "spec.git.directory must not contain '..'")),
		Entry("directory a/../b", `{spec: {git: {directory: a/../b}}}`, rule("spec.git.directory", "a/../b", "spec.git.directory must not contain '..'")),
		Entry("directory of 1024", at(long(1024), "spec", "git", "directory"), ""),
		Entry("directory of 1025", at(long(1025), "spec", "git", "directory"), tooLong("spec.git.directory", 1024)),
		Entry("git secret name of 253", at(long(253), "spec", "git", "secretRef", "name"), ""),
		Entry("git secret name of 254", at(long(254), "spec", "git", "secretRef", "name"), tooLong("spec.git.secretRef.name", 253)),
		Entry("author of 256", at(long(256), "spec", "git", "author"), ""),
		Entry("author of 257", at(long(257), "spec", "git", "author"), tooLong("spec.git.author", 256)),
		Entry("email of 256", at(long(256), "spec", "git", "email"), ""),
		Entry("email of 257", at(long(257), "spec", "git", "email"), tooLong("spec.git.email", 256)),

		Entry("registry missing", `{spec: {type: oci, git: null, oci: {secretRef: {name: creds}}}}`, required("spec.oci.registry")),
		Entry("registry empty", `{spec: {type: oci, git: null, oci: {registry: ""}}}`, tooShort("spec.oci.registry")),
		Entry("registry of 2048", `{spec: {type: oci, git: null, oci: {registry: `+long(2048)+`}}}`, ""),
		Entry("registry of 2049", `{spec: {type: oci, git: null, oci: {registry: `+long(2049)+`}}}`, tooLong("spec.oci.registry", 2048)),
		Entry("oci secret name of 254", `{spec: {type: oci, git: null, oci: {registry: r, secretRef: {name: `+long(254)+`}}}}`,
			tooLong("spec.oci.secretRef.name", 253)),
	)

	It("defaults spec.git.branch to main", func() {
		obj := build(newNamespace(), gitRepository)
		Expect(k8s.Create(ctx, obj)).To(Succeed())
		repo := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), repo)).To(Succeed())
		Expect(repo.Spec.Git.Branch).To(Equal("main"))
	})

	withDirectory := strings.Replace(gitRepository, `x.git"}`, `x.git", directory: pkgs}`, 1)
	DescribeTable("update", updating,
		Entry("git.repo changed", gitRepository, `{spec: {git: {repo: "http://127.0.0.1:1/y.git"}}}`,
			rule("spec.git.repo", "http://127.0.0.1:1/y.git", "spec.git.repo is immutable")),
		Entry("git.repo kept, description changed", gitRepository, `{spec: {description: d, git: {repo: "http://127.0.0.1:1/x.git"}}}`, ""),
		Entry("type changed to oci", gitRepository, `{spec: {type: oci, git: null, oci: {registry: r}}}`,
			rule("spec.type", "oci", "spec.type is immutable")),
		Entry("type kept, deployment changed", gitRepository, `{spec: {type: git, deployment: true}}`, ""),
		Entry("git.branch changed", gitRepository, `{spec: {git: {branch: dev}}}`,
			rule("spec.git.branch", "dev", "spec.git.branch is immutable")),
		Entry("git.branch set to its default", gitRepository, `{spec: {git: {branch: main}}}`, ""),
		Entry("git.directory set where unset", gitRepository, `{spec: {git: {directory: pkgs}}}`,
			objRule("spec.git", "spec.git.directory is immutable")),
		Entry("git.directory changed", withDirectory, `{spec: {git: {directory: other}}}`,
			objRule("spec.git", "spec.git.directory is immutable")),
		Entry("git.directory removed", withDirectory, `{spec: {git: {directory: null}}}`,
			objRule("spec.git", "spec.git.directory is immutable")),
		Entry("git.directory kept, author changed", withDirectory, `{spec: {git: {directory: pkgs, author: a}}}`, ""),
		Entry("oci.registry changed", ociRepository, `{spec: {oci: {registry: "127.0.0.1:1/other"}}}`,
			rule("spec.oci.registry", "127.0.0.1:1/other", "spec.oci.registry is immutable")),
		Entry("oci.registry kept, secret changed", ociRepository, `{spec: {oci: {registry: "127.0.0.1:1/packages", secretRef: {name: s}}}}`, ""),
	)
})
