package builtin

import "testing"

// The catalog's set-annotations examples: both kinds of functionConfig.
func TestSetAnnotations(t *testing.T) {
	want := `apiVersion: v1
kind: ConfigMap
metadata:
  name: the-map
  annotations:
    color: orange
    fruit: apple
data:
  some-key: some-value
`
	runCases(t, []fnCase{{
		name:           "ConfigMap",
		image:          "gcr.io/kpt-fn/set-annotations:v0.1.4",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-config\ndata:\n  color: orange\n  fruit: apple\n",
		in:             []string{theMap},
		want:           []string{want},
	}, {
		name:           "SetAnnotations",
		image:          "ghcr.io/kptdev/krm-functions-catalog/set-annotations:v0.1",
		functionConfig: "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetAnnotations\nmetadata:\n  name: my-config\nannotations:\n  color: orange\n  fruit: apple\n",
		in:             []string{theMap},
		want:           []string{want},
	}, {
		name:           "pod template",
		image:          "gcr.io/kpt-fn/set-annotations:v0.1",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-config\ndata:\n  team: web\n",
		in:             []string{"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n"},
		want:           []string{"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    team: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n      annotations:\n        team: web\n"},
	}, {
		name:    "no functionConfig",
		image:   "gcr.io/kpt-fn/set-annotations:v0.1",
		in:      []string{theMap},
		wantErr: "functionConfig is missing",
	}})
}
