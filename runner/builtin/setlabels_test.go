package builtin

import "testing"

const (
	theMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: the-map
data:
  some-key: some-value
`
	theService = `apiVersion: v1
kind: Service
metadata:
  name: the-service
  namespace: the-namespace
spec:
  selector:
    foo: bar
`
)

// The catalog's set-labels examples: both kinds of functionConfig, labels
// on metadata and on the Service's selector.
func TestSetLabels(t *testing.T) {
	wantMap := `apiVersion: v1
kind: ConfigMap
metadata:
  name: the-map
  labels:
    color: orange
    fruit: apple
data:
  some-key: some-value
`
	wantService := `apiVersion: v1
kind: Service
metadata:
  name: the-service
  namespace: the-namespace
  labels:
    color: orange
    fruit: apple
spec:
  selector:
    foo: bar
    color: orange
    fruit: apple
`
	deployment := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
`
	runCases(t, []fnCase{{
		name:           "ConfigMap",
		image:          "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-config\ndata:\n  color: orange\n  fruit: apple\n",
		in:             []string{theMap, theService},
		want:           []string{wantMap, wantService},
	}, {
		name:           "SetLabels",
		image:          "gcr.io/kpt-fn/set-labels:v0.1",
		functionConfig: "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetLabels\nmetadata:\n  name: my-config\nlabels:\n  color: orange\n  fruit: apple\n",
		in:             []string{theMap, theService},
		want:           []string{wantMap, wantService},
	}, {
		name:           "Deployment selector and template",
		image:          "gcr.io/kpt-fn/set-labels:v0.1",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-config\ndata:\n  app: web\n",
		in:             []string{deployment},
		want: []string{`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
    metadata:
      labels:
        app: web
  selector:
    matchLabels:
      app: web
`},
	}, {
		name:           "other kind of functionConfig",
		image:          "gcr.io/kpt-fn/set-labels:v0.1",
		functionConfig: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
		in:             []string{theMap},
		wantErr:        `kind "Secret" is not supported`,
	}})
}
