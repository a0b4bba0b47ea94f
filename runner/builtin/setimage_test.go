package builtin

import "testing"

const nginxDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  template:
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
      - name: sidecar
        image: busybox
`

// The catalog's set-image examples: a new name and tag for the nginx image
// only, from a SetImage or a ConfigMap, in a workload or any other kind.
func TestSetImage(t *testing.T) {
	want := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  template:
    spec:
      containers:
      - name: nginx
        image: bitnami/nginx:1.21.4
      - name: sidecar
        image: busybox
`
	runCases(t, []fnCase{{
		name:           "SetImage",
		image:          "gcr.io/kpt-fn/set-image:v0.1.1",
		functionConfig: "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetImage\nmetadata:\n  name: my-func-config\nimage:\n  name: nginx\n  newName: bitnami/nginx\n  newTag: 1.21.4\n",
		in:             []string{nginxDeployment},
		want:           []string{want},
	}, {
		name:           "ConfigMap",
		image:          "ghcr.io/kptdev/krm-functions-catalog/set-image:v0.1",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-func-config\ndata:\n  name: nginx\n  newName: bitnami/nginx\n  newTag: 1.21.4\n",
		in:             []string{nginxDeployment},
		want:           []string{want},
	}, {
		name:           "digest in a custom resource",
		image:          "gcr.io/kpt-fn/set-image:v0.1",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  name: nginx\n  digest: sha256:abc\n",
		in:             []string{"apiVersion: example.com/v1\nkind: MyApp\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.14.2\n"},
		want:           []string{"apiVersion: example.com/v1\nkind: MyApp\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: nginx\n    image: nginx@sha256:abc\n"},
	}, {
		name:           "no new value",
		image:          "gcr.io/kpt-fn/set-image:v0.1",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  name: nginx\n",
		in:             []string{nginxDeployment},
		wantErr:        "newName, image.newTag or image.digest is required",
	}})
}
