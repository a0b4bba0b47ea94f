package builtin

import "testing"

// The catalog's upsert-resource examples: replace a resource of the same
// identity in place, keeping its file, or add a new one.
func TestUpsertResource(t *testing.T) {
	inFile := func(doc, path string) string {
		return doc + "  annotations:\n    config.kubernetes.io/path: " + path + "\n"
	}
	service := "apiVersion: v1\nkind: Service\nmetadata:\n  name: myService\n  namespace: mySpace\n"
	runCases(t, []fnCase{{
		name:           "replace",
		image:          "gcr.io/kpt-fn/upsert-resource:v0.2",
		functionConfig: "apiVersion: v1\nkind: Service\nmetadata:\n  name: myService\n  namespace: mySpace\nspec:\n  selector:\n    app: bar\n",
		in:             []string{inFile(service, "svc.yaml") + "spec:\n  selector:\n    app: foo\n", inFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n", "cm.yaml")},
		want: []string{
			"apiVersion: v1\nkind: Service\nmetadata:\n  name: myService\n  namespace: mySpace\n  annotations:\n    config.kubernetes.io/path: svc.yaml\nspec:\n  selector:\n    app: bar\n",
			inFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n", "cm.yaml"),
		},
	}, {
		name:           "add",
		image:          "ghcr.io/kptdev/krm-functions-catalog/upsert-resource:v0.2.0",
		functionConfig: "apiVersion: v1\nkind: Service\nmetadata:\n  name: newService\n  namespace: mySpace\n  annotations:\n    config.kubernetes.io/target-path: new.yaml\n",
		in:             []string{inFile(service, "svc.yaml")},
		want: []string{
			inFile(service, "svc.yaml"),
			// kyaml quotes the path annotations it reconciles; same value.
			"apiVersion: v1\nkind: Service\nmetadata:\n  name: newService\n  namespace: mySpace\n  annotations:\n    config.kubernetes.io/path: 'new.yaml'\n",
		},
	}, {
		name:           "List",
		image:          "gcr.io/kpt-fn/upsert-resource:v0.2",
		functionConfig: "apiVersion: v1\nkind: List\nmetadata:\n  name: upserts\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n",
		in:             nil,
		want:           []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"},
	}, {
		name:    "no functionConfig",
		image:   "gcr.io/kpt-fn/upsert-resource:v0.2",
		wantErr: "functionConfig must be the resource to upsert",
	}})
}
