package builtin

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

const (
	ensureNameV01 = "gcr.io/kpt-fn/ensure-name-substring:v0.1.1"
	ensureNameV02 = "ghcr.io/kptdev/krm-functions-catalog/ensure-name-substring:v0.2"

	theMapInNamespace = `apiVersion: v1
kind: ConfigMap
metadata:
  name: the-map
  namespace: the-namespace
data:
  some-key: some-value
`
	thePod = `apiVersion: v1
kind: Pod
metadata:
  name: the-pod
  namespace: the-namespace
spec:
  containers:
  - name: test-container
    image: k8s.gcr.io/busybox
    env:
    - name: SOME_KEY
      valueFrom:
        configMapKeyRef:
          name: the-map
          key: some-key
`
	theNamespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: the-namespace\n"
	theCR        = `apiVersion: dev.example.com/v1
kind: MyResource
metadata:
  name: the-cr
  namespace: the-namespace
spec:
  name: foo
`
)

func ensureNameConfigMap(data string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-config\ndata:\n" + data
}

func ensureNameConfig(spec string) string {
	return "apiVersion: fn.kpt.dev/v1alpha1\nkind: EnsureNameSubstring\nmetadata:\n  name: my-config\n" + spec
}

// The catalog's prefix, suffix and advanced examples: names and the
// references to them change, names that have the substring and the kinds
// the catalog keeps do not.
func TestEnsureNameSubstring(t *testing.T) {
	service := "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: the-namespace\n"
	// example is the prefix or suffix example: the map, the pod and its
	// reference to the map change, the service, named with the substring
	// already, and the namespace do not.
	example := func(name, image, data string, with func(string) string, named string) fnCase {
		svc := fmt.Sprintf(service, named)
		return fnCase{
			name: name, image: image, functionConfig: ensureNameConfigMap(data),
			in: []string{theMapInNamespace, thePod, svc, theNamespace},
			want: []string{
				replace(theMapInNamespace, "the-map", with("the-map")),
				replace(replace(thePod, "the-pod", with("the-pod")), "the-map", with("the-map")),
				svc, theNamespace,
			},
		}
	}
	prodCR := replace(replace(theCR, "name: the-cr", "name: prod-the-cr"), "name: foo", "name: prod-foo")
	runCases(t, []fnCase{
		example("prefix", ensureNameV02, "  prepend: prod-\n", func(s string) string { return "prod-" + s }, "with-prod-service"),
		example("suffix", ensureNameV01, "  append: -prod\n", func(s string) string { return s + "-prod" }, "the-service-prod"),
		{
			name:  "additionalNameFields",
			image: ensureNameV02,
			functionConfig: ensureNameConfig("substring: prod-\neditMode: prepend\nadditionalNameFields:\n" +
				"- group: dev.example.com\n  version: v1\n  kind: MyResource\n  path: spec/name\n"),
			in:   []string{theCR, replace(theNamespace, "the-namespace", "old-name")},
			want: []string{prodCR, replace(theNamespace, "the-namespace", "old-name")},
		}, {
			name:           "fieldSpecs, the older name of additionalNameFields",
			image:          ensureNameV01,
			functionConfig: ensureNameConfig("substring: prod-\nfieldSpecs:\n- kind: MyResource\n  path: spec/name\n"),
			in:             []string{theCR},
			want:           []string{prodCR},
		}, {
			name:           "create",
			image:          ensureNameV02,
			functionConfig: ensureNameConfig("substring: prod-\nadditionalNameFields:\n- kind: MyResource\n  path: spec/alias\n  create: true\n"),
			in:             []string{theCR},
			want:           []string{replace(theCR, "name: the-cr", "name: prod-the-cr") + "  alias: prod-\n"},
		}, {
			name:           "a name field that holds no name",
			image:          ensureNameV02,
			functionConfig: ensureNameConfig("substring: prod-\nadditionalNameFields:\n- kind: MyResource\n  path: spec\n"),
			in:             []string{theCR},
			wantErr:        "want a name, found a !!map",
		}, {
			name:           "editMode defaults to prepend, apiVersion as the README writes it",
			image:          ensureNameV02,
			functionConfig: "apiVersion: v1\nkind: EnsureNameSubstring\nmetadata:\n  name: c\nsubstring: dev-\n",
			in:             []string{theMapInNamespace},
			want:           []string{replace(theMapInNamespace, "the-map", "dev-the-map")},
		}, {
			name:           "a setter comment and quotes on the name stay",
			image:          ensureNameV02,
			functionConfig: ensureNameConfigMap("  prepend: dev-\n"),
			in:             []string{replace(theMapInNamespace, "name: the-map", "name: 'the-map' # kpt-set: ${map}")},
			want:           []string{replace(theMapInNamespace, "name: the-map", "name: 'dev-the-map' # kpt-set: ${map}")},
		}, {
			name:           "already applied",
			image:          ensureNameV02,
			functionConfig: ensureNameConfigMap("  prepend: prod-\n"),
			in:             []string{replace(thePod, "the-", "prod-the-"), prodCR},
			want:           []string{replace(thePod, "the-", "prod-the-"), prodCR},
		}})
}

// Local-config resources, the function's own config file among them, are
// renamed like any other, as in the catalog's local-config test; the
// Kptfile is not.
func TestEnsureNameSubstringLocalConfig(t *testing.T) {
	local := "  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"
	fnConfig := "apiVersion: fn.kpt.dev/v1alpha1\nkind: EnsureNameSubstring\nmetadata:\n  name: my-config\n" + local + "substring: prod-\n"
	localMap := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local-config-map\n" + local
	kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: example\n"
	runCases(t, []fnCase{{
		name:           "local-config",
		image:          ensureNameV02,
		functionConfig: fnConfig,
		in:             []string{fnConfig, localMap, kptfile},
		want: []string{
			replace(fnConfig, "my-config", "prod-my-config"),
			replace(localMap, "local-config-map", "prod-local-config-map"),
			kptfile,
		},
	}})
}

// The catalog's depends-on cases: the annotation follows the rename of a
// resource of the package, of a namespace or cluster scoped, and is left
// when the resource is not in the package. v0.1 leaves it.
func TestEnsureNameSubstringDependsOn(t *testing.T) {
	wordpress := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: wordpress\n  namespace: default\n" +
		"  annotations:\n    config.kubernetes.io/depends-on: apps/namespaces/default/StatefulSet/wordpress-mysql\n"
	mysql := "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: wordpress-mysql\n  namespace: default\n"
	// prependDev expects both renamed and the annotation following.
	prependDev := func(name string, in ...string) fnCase {
		return fnCase{name: name, image: ensureNameV02, functionConfig: ensureNameConfigMap("  prepend: dev-\n"), in: in,
			want: []string{replace(wordpress, "wordpress", "dev-wordpress"), replace(mysql, "wordpress", "dev-wordpress")}}
	}
	binding := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read-secrets-global
  annotations:
    config.kubernetes.io/depends-on: rbac.authorization.k8s.io/ClusterRole/secret-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: secret-reader
`
	role := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secret-reader\n"
	runCases(t, []fnCase{prependDev("prepend, namespaced", wordpress, mysql), {
		// The roleRef follows as a name reference.
		name:           "append, cluster scoped",
		image:          ensureNameV02,
		functionConfig: ensureNameConfigMap("  append: -dev\n"),
		in:             []string{binding, role},
		want:           []string{replace(replace(binding, "secret-reader", "secret-reader-dev"), "global", "global-dev"), replace(role, "reader", "reader-dev")},
	}, {
		name:           "not in the package",
		image:          ensureNameV02,
		functionConfig: ensureNameConfigMap("  append: -dev\n"),
		in:             []string{wordpress},
		want:           []string{replace(wordpress, "name: wordpress", "name: wordpress-dev")},
	},
		// Where the catalog's code would leave the annotation, or add the
		// substring to a name that has it, the annotation follows the rename.
		prependDev("the dependent already has the substring", replace(wordpress, "name: wordpress", "name: dev-wordpress"), mysql),
		prependDev("the dependency already has the substring",
			replace(wordpress, "StatefulSet/wordpress", "StatefulSet/dev-wordpress"), replace(mysql, "wordpress", "dev-wordpress")),
		{
			name:           "v0.1",
			image:          ensureNameV01,
			functionConfig: ensureNameConfigMap("  prepend: dev-\n"),
			in:             []string{wordpress, mysql},
			want:           []string{replace(wordpress, "name: wordpress", "name: dev-wordpress"), replace(mysql, "wordpress", "dev-wordpress")},
		}})
}

// A bad functionConfig is refused with an error naming the field.
func TestEnsureNameSubstringBadConfig(t *testing.T) {
	var cases []fnCase
	for _, c := range []struct{ name, config, wantErr string }{
		{"no substring", ensureNameConfig("editMode: append\n"), "substring must not be empty"},
		{"empty ConfigMap value", ensureNameConfigMap("  prepend: \"\"\n"), "data.prepend must not be empty"},
		{"unknown editMode", ensureNameConfig("substring: dev-\neditMode: replace\n"), `editMode "replace" is not an edit mode: want prepend or append`},
		{"unknown ConfigMap key", ensureNameConfigMap("  prefix: dev-\n"), `data key "prefix" is not an edit mode`},
		{"two ConfigMap keys", ensureNameConfigMap("  prepend: dev-\n  append: -dev\n"), "ConfigMap data must have one key"},
		{"no path", ensureNameConfig("substring: dev-\nadditionalNameFields:\n- kind: MyResource\n"), "additionalNameFields[0].path is required"},
		{"both field lists", ensureNameConfig("substring: dev-\nfieldSpecs: []\nadditionalNameFields: []\n"), "give only additionalNameFields"},
		{"other kind", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n", `kind "Secret" is not supported`},
		{"no functionConfig", "", "functionConfig is missing"},
	} {
		cases = append(cases, fnCase{name: c.name, image: ensureNameV02, functionConfig: c.config,
			in: []string{theMapInNamespace}, wantErr: c.wantErr})
	}
	runCases(t, cases)
}

// Running the function on its own output changes nothing, references and
// depends-on annotations included, and leaves none of kustomize's rename
// bookkeeping behind, while the file annotations stay.
func TestEnsureNameSubstringIdempotent(t *testing.T) {
	config := ensureNameConfig("substring: -prod\neditMode: append\nadditionalNameFields:\n- kind: MyResource\n  path: spec/name\n")
	dependent := "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  namespace: the-namespace\n" +
		"  annotations:\n    config.kubernetes.io/depends-on: /namespaces/the-namespace/Pod/the-pod\n"
	e := New()
	inFile := replace(theMapInNamespace, "\ndata:", "\n  annotations:\n    config.kubernetes.io/path: map.yaml\ndata:")
	in := resourceList(config, inFile, thePod, theCR, theNamespace, dependent)
	first, _, err := e.Evaluate(context.Background(), ensureNameV02, in)
	if err != nil {
		t.Fatalf("%v\n%s", err, first)
	}
	second, _, err := e.Evaluate(context.Background(), ensureNameV02, first)
	if err != nil {
		t.Fatalf("%v\n%s", err, second)
	}
	if string(first) != string(second) {
		t.Errorf("second run changed the output:\n%s\nto:\n%s", first, second)
	}
	out := string(first)
	for _, want := range []string{"name: the-map-prod", "name: the-pod-prod", "name: foo-prod", "Pod/the-pod-prod", "config.kubernetes.io/path: map.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, bookkeeping := range []string{"previousNames", "previousKinds", "previousNamespaces", "suffixes", "refBy"} {
		if strings.Contains(out, bookkeeping) {
			t.Errorf("output keeps kustomize's %s annotation:\n%s", bookkeeping, out)
		}
	}
}
