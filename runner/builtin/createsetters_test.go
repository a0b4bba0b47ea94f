package builtin

import "testing"

// The catalog's create-setters examples.
func TestCreateSetters(t *testing.T) {
	config := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: create-setters-fn-config\ndata:\n" + data
	}
	const image = "ghcr.io/kptdev/krm-functions-catalog/create-setters:v0.1"
	deployment := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  replicas: 4
  template:
    spec:
      containers:
      - name: nginx
        image: "nginx:1.16.1"
        ports:
        - protocol: TCP
          containerPort: 80
`
	runCases(t, []fnCase{{
		name:           "scalars",
		image:          image,
		functionConfig: config("  nginx-replicas: \"4\"\n  tag: 1.16.1\n"),
		in:             []string{deployment},
		want: []string{replace(replace(deployment,
			"replicas: 4\n", "replicas: 4 # kpt-set: ${nginx-replicas}\n"),
			`image: "nginx:1.16.1"`, `image: "nginx:1.16.1" # kpt-set: nginx:${tag}`)},
	}, {
		name:           "longest value first",
		image:          image,
		functionConfig: config("  image: nginx\n  ubuntu: nginx-abc\n"),
		in:             []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nspec: nginx-abc-development\n"},
		want:           []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nspec: nginx-abc-development # kpt-set: ${ubuntu}-development\n"},
	}, {
		name:           "array in any order",
		image:          image,
		functionConfig: config("  env: |\n    - stage\n    - dev\n"),
		in:             []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments:\n- dev\n- stage\n"},
		want:           []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: # kpt-set: ${env}\n- dev\n- stage\n"},
	}, {
		name:           "orchestrator annotations left alone",
		image:          image,
		functionConfig: config("  tag: 1.16.1\n"),
		in:             []string{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    config.kubernetes.io/path: 1.16.1.yaml\nspec:\n  image: nginx:1.16.1\n"},
		want:           []string{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    config.kubernetes.io/path: 1.16.1.yaml\nspec:\n  image: nginx:1.16.1 # kpt-set: nginx:${tag}\n"},
	}, {
		name:    "no setters",
		image:   image,
		wantErr: "functionConfig must be a ConfigMap naming at least one setter",
	}})
}
