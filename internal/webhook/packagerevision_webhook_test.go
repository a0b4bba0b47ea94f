package webhook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/index"
)

// The fake clients stand in for the cache and the apiserver's reads; what
// the apiserver does with the answers is tested in test/envtest.

const systemUser = "porch-manager"

func fakeReader(t testing.TB, objs ...client.Object) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{porchv1alpha1.AddToScheme, configv1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...)
	return withIndexes(b).Build()
}

// withIndexes adds the indexes the rules list by, the webhook's own and
// those it shares with the reconcilers, to a client's builder.
func withIndexes(b *fake.ClientBuilder) *fake.ClientBuilder {
	for _, set := range []map[string]client.IndexerFunc{indexes, index.Revisions} {
		for name, fn := range set {
			b = b.WithIndex(&porchv1alpha1.PackageRevision{}, name, fn)
		}
	}
	return b
}

type (
	revisionValidator  = forUsers[*porchv1alpha1.PackageRevision]
	resourcesValidator = forUsers[*porchv1alpha1.PackageRevisionResources]
)

// validators share one lookup whose cache and apiserver hold the same objects.
func validators(t testing.TB, objs ...client.Object) (*revisionValidator, *resourcesValidator) {
	t.Helper()
	c := fakeReader(t, objs...)
	objects := &lookup{cache: c, api: c}
	system := newSystemUsers([]string{systemUser})
	return &revisionValidator{rules: &PackageRevisionValidator{objects: objects, client: c}, system: system},
		&resourcesValidator{rules: &PackageRevisionResourcesValidator{objects: objects}, system: system}
}

func as(user string) context.Context {
	return admission.NewContextWithRequest(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UserInfo: authenticationv1.UserInfo{Username: user}}})
}

// named is a Draft of package pkg in repo, named name, whose last part is the workspace.
func named(name, repo, pkg string, opts ...func(*porchv1alpha1.PackageRevision)) *porchv1alpha1.PackageRevision {
	return rev(append([]func(*porchv1alpha1.PackageRevision){func(pr *porchv1alpha1.PackageRevision) {
		pr.Name, pr.Spec.RepositoryName, pr.Spec.PackageName = name, repo, pkg
		pr.Spec.WorkspaceName = name[strings.LastIndex(name, ".")+1:]
	}}, opts...)...)
}

func withTask(task porchv1alpha1.Task) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Tasks = []porchv1alpha1.Task{task} }
}

func cloneOf(name string) func(*porchv1alpha1.PackageRevision) {
	return withTask(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
		Upstream: porchv1alpha1.UpstreamPackage{UpstreamRef: &porchv1alpha1.PackageRevisionRef{Name: name}}}})
}

func editOf(name string) func(*porchv1alpha1.PackageRevision) {
	return withTask(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
		Source: &porchv1alpha1.PackageRevisionRef{Name: name}}})
}

func upgradeOf(oldUp, newUp, local string) func(*porchv1alpha1.PackageRevision) {
	return withTask(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeUpgrade, Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{
		OldUpstream: porchv1alpha1.PackageRevisionRef{Name: oldUp}, NewUpstream: porchv1alpha1.PackageRevisionRef{Name: newUp},
		LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: local}}})
}

// expectRefusal checks that err is of the given kind with a message holding want; want "" means no error.
func expectRefusal(t *testing.T, err error, is func(error) bool, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	if err == nil || !is(err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want a refusal with ...%s...", err, want)
	}
}

func TestPackageRevisionValidatorCreateTasks(t *testing.T) {
	upstreamV1 := named("upstream.base.v1", "upstream", "base", inLifecycle(published), withRevision(1))
	upstreamWip := named("upstream.base.wip", "upstream", "base")
	localV1 := named("local.app.v1", "local", "app", inLifecycle(published), withRevision(1), cloneOf("upstream.base.v1"))
	upstreamV2 := named("upstream.base.v2", "upstream", "base", inLifecycle(deletionProposed), withRevision(2))
	v, _ := validators(t, upstreamV1, upstreamWip, localV1, upstreamV2)

	tests := []struct {
		name string
		pr   *porchv1alpha1.PackageRevision
		want string
	}{
		{"init of a new package", named("local.other.v1", "local", "other"), ""},
		{"init of an existing package", named("local.app.v2", "local", "app"),
			`spec.tasks[0]: Forbidden: package "app" already exists in repository "local" (PackageRevision "local.app.v1")`},
		{"no task for an existing package", named("local.app.v2", "local", "app", func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Tasks = nil }),
			`spec.tasks: Forbidden: package "app" already exists in repository "local"`},
		{"the same package name in another repository", named("other.app.v1", "other", "app"), ""},
		{"clone of a Published revision", named("local.new.v1", "local", "new", cloneOf("upstream.base.v1")), ""},
		{"clone of a Draft", named("local.new.v1", "local", "new", cloneOf("upstream.base.wip")),
			`spec.tasks[0].clone.upstreamRef.upstreamRef.name: Invalid value: "upstream.base.wip": PackageRevision "upstream.base.wip" is Draft; a clone's upstream must be Published: propose and approve it first`},
		{"clone of a DeletionProposed revision", named("local.new.v1", "local", "new", cloneOf("upstream.base.v2")),
			`PackageRevision "upstream.base.v2" is DeletionProposed; a clone's upstream must be Published: pick a Published revision`},
		{"clone of nothing", named("local.new.v1", "local", "new", cloneOf("missing")),
			`spec.tasks[0].clone.upstreamRef.upstreamRef.name: Invalid value: "missing": no PackageRevision "missing" in namespace ns`},
		{"clone into an existing package", named("local.app.v2", "local", "app", cloneOf("upstream.base.v1")), `package "app" already exists`},
		{"edit of the package's published revision", named("local.app.v2", "local", "app", editOf("local.app.v1")), ""},
		{"edit of another package", named("local.app.v2", "local", "app", editOf("upstream.base.v1")),
			`spec.tasks[0].edit.sourceRef.name: Invalid value: "upstream.base.v1": PackageRevision "upstream.base.v1" is of package "base" in repository "upstream"; an edit's source must be a revision of the same package ("app" in "local")`},
		{"edit of a Draft", named("upstream.base.v3", "upstream", "base", editOf("upstream.base.wip")), `is Draft; an edit's source must be Published`},
		{"upgrade over published and deletion-proposed revisions", named("local.app.v2", "local", "app", upgradeOf("upstream.base.v2", "upstream.base.v1", "local.app.v1")), ""},
		{"upgrade to a Draft", named("local.app.v2", "local", "app", upgradeOf("upstream.base.v1", "upstream.base.wip", "local.app.v1")),
			`spec.tasks[0].upgrade.newUpstreamRef.name: Invalid value: "upstream.base.wip": PackageRevision "upstream.base.wip" is Draft; an upgrade's new upstream must be Published or DeletionProposed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.ValidateCreate(as("alice"), tt.pr)
			expectRefusal(t, err, apierrors.IsInvalid, tt.want)
		})
	}
}

func TestPackageRevisionValidatorLetsTheSystemThrough(t *testing.T) {
	existing := named("r.app.v1", "r", "app", inLifecycle(published), withRevision(1), withLabel(porchv1alpha1.LatestPackageRevisionKey, "true"))
	v, prrs := validators(t, existing)
	ctx := as(systemUser)
	if _, err := v.ValidateCreate(ctx, named("r.app.v2", "r", "app", inLifecycle(published), withRevision(2), cloneOf("nowhere"))); err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, err := v.ValidateUpdate(ctx, existing, named("r.app.v1", "r", "app", inLifecycle(draft))); err != nil {
		t.Fatalf("update: %v", err)
	}
	if _, err := v.ValidateDelete(ctx, existing); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := prrs.ValidateCreate(ctx, &porchv1alpha1.PackageRevisionResources{}); err != nil {
		t.Fatalf("resources create: %v", err)
	}
	if _, err := v.ValidateCreate(context.Background(), existing); err == nil {
		t.Fatal("a request without an admission request in its context passed")
	}
}

func TestPackageRevisionValidatorDelete(t *testing.T) {
	repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "ns"}}
	v1 := named("r.app.v1", "r", "app", inLifecycle(published), withRevision(1))
	v2 := named("r.app.v2", "r", "app", inLifecycle(deletionProposed), withRevision(2))
	branch := named("r.app.main", "r", "app", inLifecycle(published), withRevision(-1))
	clone := named("r.copy.v1", "r", "copy", cloneOf("r.app.v2"))
	upgrade := named("r.copy.v2", "r", "copy", upgradeOf("r.app.v2", "r.app.v3", "r.copy.v1"))
	draftOnly := named("r.app.v4", "r", "app")
	orphan := named("gone.app.v1", "gone", "app", inLifecycle(published), withRevision(1))
	v, _ := validators(t, repo, v1, v2, branch, clone, upgrade, draftOnly, orphan)

	tests := []struct {
		name string
		pr   *porchv1alpha1.PackageRevision
		want string
	}{
		{"Published", v1, "published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion"},
		{"named as upstream", v2, `another revision's task names it: PackageRevision "r.copy.v1" names it in spec.tasks[0].clone.upstreamRef.upstreamRef.name; ` +
			`PackageRevision "r.copy.v2" names it in spec.tasks[0].upgrade.oldUpstreamRef.name; delete that revision first`},
		{"named as an upgrade's local revision", clone, `PackageRevision "r.copy.v2" names it in spec.tasks[0].upgrade.localPackageRevisionRef.name`},
		{"the branch placeholder", branch, ""},
		{"a Draft", draftOnly, ""},
		{"what is left of a Repository that is gone", orphan, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.ValidateDelete(as("alice"), tt.pr)
			expectRefusal(t, err, apierrors.IsForbidden, tt.want)
		})
	}
}

func TestLookupConfirmsWithTheAPIServer(t *testing.T) {
	// The cache still holds the upstream as Proposed; it was just approved.
	stale := named("u.base.v1", "u", "base", inLifecycle(proposed))
	fresh := named("u.base.v1", "u", "base", inLifecycle(published), withRevision(1))
	objects := &lookup{cache: fakeReader(t, stale), api: fakeReader(t, fresh)}
	v := &revisionValidator{rules: &PackageRevisionValidator{objects: objects}}
	if _, err := v.ValidateCreate(as("alice"), named("l.app.v1", "l", "app", cloneOf("u.base.v1"))); err != nil {
		t.Fatalf("a clone of a revision published a moment ago was refused: %v", err)
	}
	objects.api = fakeReader(t, stale)
	if _, err := v.ValidateCreate(as("alice"), named("l.app.v1", "l", "app", cloneOf("u.base.v1"))); err == nil || !strings.Contains(err.Error(), "is Proposed") {
		t.Fatalf("want a refusal naming the Proposed upstream, got %v", err)
	}
}

func TestPackageRevisionResourcesValidator(t *testing.T) {
	draftRev := named("r.app.v1", "r", "app")
	proposedRev := named("r.app.v2", "r", "app", inLifecycle(proposed))
	repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "ns"}}
	_, v := validators(t, repo, draftRev, proposedRev)
	prr := func(name string, files map[string]string) *porchv1alpha1.PackageRevisionResources {
		return &porchv1alpha1.PackageRevisionResources{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
			Spec: porchv1alpha1.PackageRevisionResourcesSpec{PackageName: "app", RepositoryName: "r", Resources: files}}
	}
	ctx := as("alice")
	kptfile := map[string]string{"Kptfile": "kind: Kptfile"}

	_, err := v.ValidateCreate(ctx, prr("r.app.v1", kptfile))
	expectRefusal(t, err, apierrors.IsForbidden, "PackageRevisionResources are created by the system with their PackageRevision")

	tests := []struct {
		name     string
		old, prr *porchv1alpha1.PackageRevisionResources
		want     string
	}{
		{"files of a Draft", prr("r.app.v1", nil), prr("r.app.v1", kptfile), ""},
		{"files of a Proposed revision", prr("r.app.v2", nil), prr("r.app.v2", kptfile),
			`spec.resources: Forbidden: PackageRevision "r.app.v2" is Proposed; spec.resources is writable only while it is a Draft: set its spec.lifecycle back to Draft first`},
		{"files without a revision", prr("r.app.v9", nil), prr("r.app.v9", kptfile), `PackageRevision "r.app.v9" does not exist`},
		{"a file outside the package", prr("r.app.v1", nil), prr("r.app.v1", map[string]string{"../etc/passwd": "x"}),
			`spec.resources[../etc/passwd]: Invalid value: "../etc/passwd": a file name must not have a .. segment`},
		{"identity changed", prr("r.app.v1", nil), func() *porchv1alpha1.PackageRevisionResources {
			p := prr("r.app.v1", nil)
			p.Spec.Revision = 4
			return p
		}(), "spec.revision: Forbidden: set only by the system, from the PackageRevision; leave it as it is (0)"},
		{"labels of a Proposed revision's files", prr("r.app.v2", kptfile), func() *porchv1alpha1.PackageRevisionResources {
			p := prr("r.app.v2", kptfile)
			p.Labels = map[string]string{"a": "b"}
			return p
		}(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.ValidateUpdate(ctx, tt.old, tt.prr)
			expectRefusal(t, err, apierrors.IsInvalid, tt.want)
		})
	}

	_, err = v.ValidateDelete(ctx, prr("r.app.v1", nil))
	expectRefusal(t, err, apierrors.IsForbidden, `delete PackageRevision "r.app.v1" instead`)
	_, err = v.ValidateDelete(ctx, prr("r.app.v9", nil))
	expectRefusal(t, err, apierrors.IsForbidden, "")
}

func TestApproverRecorder(t *testing.T) {
	d := &approverRecorder{system: newSystemUsers([]string{systemUser})}
	request := func(user string, op admissionv1.Operation, old *porchv1alpha1.PackageRevision) context.Context {
		raw, err := json.Marshal(old)
		if err != nil {
			t.Fatal(err)
		}
		return admission.NewContextWithRequest(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
			Operation: op, UserInfo: authenticationv1.UserInfo{Username: user}, OldObject: runtime.RawExtension{Raw: raw}}})
	}
	tests := []struct {
		name     string
		user     string
		old, new lifecycle
		want     string
	}{
		{"approval by a user", "alice", proposed, published, "alice"},
		{"approval mirrored by the system", systemUser, proposed, published, ""},
		{"proposal", "alice", draft, proposed, ""},
		{"withdrawn deletion proposal", "alice", deletionProposed, published, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := rev(inLifecycle(tt.new))
			if err := d.Default(request(tt.user, admissionv1.Update, rev(inLifecycle(tt.old))), pr); err != nil {
				t.Fatal(err)
			}
			if got := pr.Annotations[porchv1alpha1.ApprovedByAnnotation]; got != tt.want {
				t.Fatalf("approved-by = %q, want %q", got, tt.want)
			}
		})
	}
}
