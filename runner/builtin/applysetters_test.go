package builtin

import "testing"

// The catalog's apply-setters v0.2 examples: scalars set fully and in part,
// arrays from a list in a string, and setters left alone when not given.
func TestApplySetters(t *testing.T) {
	config := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: apply-setters-fn-config\ndata:\n" + data
	}
	runCases(t, []fnCase{{
		name:           "scalars",
		image:          "ghcr.io/kptdev/krm-functions-catalog/apply-setters:v0.2",
		functionConfig: config("  nginx-replicas: \"3\"\n  tag: 1.16.2\n"),
		in: []string{`apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  replicas: 4 # kpt-set: ${nginx-replicas}
  template:
    spec:
      containers:
      - name: nginx
        image: "nginx:1.16.1" # kpt-set: nginx:${tag}
`},
		want: []string{`apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  replicas: 3 # kpt-set: ${nginx-replicas}
  template:
    spec:
      containers:
      - name: nginx
        image: "nginx:1.16.2" # kpt-set: nginx:${tag}
`},
	}, {
		name:           "one setter of two, the other kept from the value",
		image:          "gcr.io/kpt-fn/apply-setters:v0.2.0",
		functionConfig: config("  tag: 1.8.0\n"),
		in:             []string{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # kpt-set: ${name}\nspec:\n  image: nginx:1.7.1 # kpt-set: ${image}:${tag}\n"},
		want:           []string{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # kpt-set: ${name}\nspec:\n  image: nginx:1.8.0 # kpt-set: ${image}:${tag}\n"},
	}, {
		name:           "array",
		image:          "gcr.io/kpt-fn/apply-setters:v0.2",
		functionConfig: config("  env: |\n    - prod\n    - dev\n"),
		in:             []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: # kpt-set: ${env}\n- dev\n- stage\n"},
		want:           []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: # kpt-set: ${env}\n- prod\n- dev\n"},
	}, {
		name:           "empty array",
		image:          "gcr.io/kpt-fn/apply-setters:v0.2",
		functionConfig: config("  env: \"\"\n"),
		in:             []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: # kpt-set: ${env}\n- dev\n"},
		want:           []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: [] # kpt-set: ${env}\n"},
	}, {
		name:           "array setter given a scalar",
		image:          "gcr.io/kpt-fn/apply-setters:v0.2",
		functionConfig: config("  env: prod\n"),
		in:             []string{"apiVersion: v1\nkind: MyKind\nmetadata:\n  name: foo\nenvironments: # kpt-set: ${env}\n- dev\n"},
		wantErr:        `value of array setter "env" must be a list`,
	}, {
		name:           "missing setter that cannot be read from the value",
		image:          "gcr.io/kpt-fn/apply-setters:v0.2",
		functionConfig: config("  tag: \"2\"\n"),
		in:             []string{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  image: nginx # kpt-set: ${image}:${tag}\n"},
		wantErr:        "values for setters [${image}] must be provided",
	}})
}
