package webhook

import (
	"context"
	"encoding/json"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// The admission fuzzers send any bytes as the object and the old object of
// a create, update or delete through the webhooks as the server runs them:
// controller-runtime's decoding into the typed object, then the rules. No
// request may panic, and every refusal says why.

func fuzzScheme(t testing.TB) *runtime.Scheme {
	scheme := runtime.NewScheme()
	if err := porchv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	return scheme
}

var fuzzOperations = []admissionv1.Operation{admissionv1.Create, admissionv1.Update, admissionv1.Delete}

// fuzzRequest is a request of the operation op picks, by a user who is
// not the system.
func fuzzRequest(op uint8, old, obj []byte) admission.Request {
	operation := fuzzOperations[int(op)%len(fuzzOperations)]
	req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		Operation: operation, UserInfo: authenticationv1.UserInfo{Username: "alice"}}}
	switch operation {
	case admissionv1.Create:
		req.Object.Raw = obj
	case admissionv1.Update:
		req.Object.Raw, req.OldObject.Raw = obj, old
	case admissionv1.Delete:
		req.OldObject.Raw = old
	}
	return req
}

func checkResponse(t *testing.T, resp admission.Response) {
	t.Helper()
	if !resp.Allowed && (resp.Result == nil || resp.Result.Message == "") {
		t.Fatalf("refused without saying why: %+v", resp.Result)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzPackageRevisionAdmission(f *testing.F) {
	published := named("blueprints.app.v1", "blueprints", "app", inLifecycle(published), withRevision(1))
	draft := named("blueprints.app.v2", "blueprints", "app", editOf("blueprints.app.v1"))
	proposed := draft.DeepCopy()
	proposed.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecycleProposed
	approved := proposed.DeepCopy()
	approved.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
	approved.Annotations = map[string]string{porchv1alpha1.ApprovedByAnnotation: "alice"}
	revisions, _ := validators(f, published, draft)
	scheme := fuzzScheme(f)
	validate := admission.WithValidator[*porchv1alpha1.PackageRevision](scheme, revisions).WithRecoverPanic(false)
	record := admission.WithDefaulter[*porchv1alpha1.PackageRevision](scheme, &approverRecorder{system: newSystemUsers([]string{systemUser})}).
		WithRecoverPanic(false)

	for _, pair := range [][2]any{{nil, draft}, {draft, proposed}, {proposed, approved}, {published, published}, {draft, nil}} {
		var old, obj []byte
		if pair[0] != nil {
			old = mustJSON(f, pair[0])
		}
		if pair[1] != nil {
			obj = mustJSON(f, pair[1])
		}
		for op := range fuzzOperations {
			f.Add(uint8(op), old, obj)
		}
	}
	f.Add(uint8(0), []byte(nil), []byte(`{"apiVersion":"porch.kpt.dev/v1alpha1","kind":"PackageRevision","spec":{"tasks":[{"type":"clone","clone":{}}]}}`))
	f.Add(uint8(1), []byte(`{}`), []byte(`{"metadata":{"labels":{"kpt.dev/latest-revision":"true"}},"spec":{"lifecycle":"Published","revision":-1}}`))
	f.Add(uint8(1), []byte(`null`), []byte(`[]`))

	f.Fuzz(func(t *testing.T, op uint8, old, obj []byte) {
		req := fuzzRequest(op, old, obj)
		checkResponse(t, validate.Handle(context.Background(), req))
		if req.Operation != admissionv1.Delete {
			checkResponse(t, record.Handle(context.Background(), req))
		}
	})
}

func FuzzPackageRevisionResourcesAdmission(f *testing.F) {
	draft := named("blueprints.app.v2", "blueprints", "app")
	resources := &porchv1alpha1.PackageRevisionResources{}
	resources.Name, resources.Namespace = draft.Name, draft.Namespace
	resources.Spec = porchv1alpha1.PackageRevisionResourcesSpec{PackageName: "app", WorkspaceName: "v2", RepositoryName: "blueprints"}
	_, validator := validators(f, draft, resources)
	validator.rules.(*PackageRevisionResourcesValidator).maxPackageBytes = 4 << 10
	validate := admission.WithValidator[*porchv1alpha1.PackageRevisionResources](fuzzScheme(f), validator).WithRecoverPanic(false)

	edited := resources.DeepCopy()
	edited.Spec.Resources = map[string]string{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\n", "deploy/app.yaml": "kind: Deployment\n"}
	bad := resources.DeepCopy()
	bad.Spec.Resources = map[string]string{"../x": "", ".git/config": "", "a//b": "", string(make([]byte, 300)): ""}
	for _, pair := range [][2]*porchv1alpha1.PackageRevisionResources{{resources, edited}, {resources, bad}, {edited, resources}} {
		for op := range fuzzOperations {
			f.Add(uint8(op), mustJSON(f, pair[0]), mustJSON(f, pair[1]))
		}
	}
	f.Add(uint8(1), mustJSON(f, resources), []byte(`{"spec":{"resources":{"Kptfile":1}}}`))
	f.Add(uint8(1), mustJSON(f, resources), []byte(`{"spec":{"resources":null,"revision":"1"}}`))

	f.Fuzz(func(t *testing.T, op uint8, old, obj []byte) {
		checkResponse(t, validate.Handle(context.Background(), fuzzRequest(op, old, obj)))
	})
}
