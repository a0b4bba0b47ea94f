package builtin

import "testing"

// The catalog's search-replace examples.
func TestSearchReplace(t *testing.T) {
	config := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: search-replace-fn-config\ndata:\n" + data
	}
	const image = "ghcr.io/kptdev/krm-functions-catalog/search-replace:v0.2"
	deployment := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: the-deployment
  namespace: something-bar
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        ports:
        - containerPort: 80
      - name: sidecar
        ports:
        - containerPort: 8080
`
	inFile := func(doc, path string) string {
		return doc + "  annotations:\n    config.kubernetes.io/path: " + path + "\n"
	}
	runCases(t, []fnCase{{
		name:           "by path and value, put value",
		image:          image,
		functionConfig: config("  by-path: metadata.name\n  by-value: the-deployment\n  put-value: my-deployment\n"),
		in:             []string{deployment},
		want:           []string{replace(deployment, "name: the-deployment", "name: my-deployment")},
	}, {
		name:           "by ** path and value",
		image:          image,
		functionConfig: config("  by-path: spec.**.containerPort\n  by-value: \"80\"\n  put-value: \"81\"\n"),
		in:             []string{deployment},
		want:           []string{replace(deployment, "containerPort: 80\n", "containerPort: 81\n")},
	}, {
		name:           "by [*] path",
		image:          image,
		functionConfig: config("  by-path: spec.template.spec.containers[*].name\n  put-value: app\n"),
		in:             []string{deployment},
		want:           []string{replace(replace(deployment, "name: nginx", "name: app"), "name: sidecar", "name: app")},
	}, {
		name:           "put value at a path that does not exist",
		image:          image,
		functionConfig: config("  by-path: metadata.namespace\n  put-value: bookstore\n"),
		in:             []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
		want:           []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: bookstore\n"},
	}, {
		name:           "regex capture groups",
		image:          image,
		functionConfig: config("  by-value-regex: something-(.*)\n  put-value: my-project-id-${1}\n"),
		in:             []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: something-foo\n  namespace: something-bar\n"},
		want:           []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-project-id-foo\n  namespace: my-project-id-bar\n"},
	}, {
		name:           "regex matches whole values only",
		image:          image,
		functionConfig: config("  by-value-regex: foo\n  put-value: bar\n"),
		in:             []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo-1\n"},
		want:           []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo-1\n"},
	}, {
		name:           "put comment",
		image:          image,
		functionConfig: config("  by-value-regex: my-project-id-(.*)\n  put-comment: 'kpt-set: ${project-id}-${1}'\n"),
		in:             []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-project-id-foo\n  namespace: my-project-id-bar\n"},
		want:           []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-project-id-foo # kpt-set: ${project-id}-foo\n  namespace: my-project-id-bar # kpt-set: ${project-id}-bar\n"},
	}, {
		name:           "by file path",
		image:          image,
		functionConfig: config("  by-value: project-id\n  by-file-path: '**/setters.yaml'\n  put-value: new-project\n"),
		in: []string{
			inFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: project-id\n", "a/b/setters.yaml"),
			inFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: project-id\n", "other.yaml"),
		},
		want: []string{
			inFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-project\n", "a/b/setters.yaml"),
			inFile("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: project-id\n", "other.yaml"),
		},
	}, {
		name:           "unknown matcher",
		image:          image,
		functionConfig: config("  by-color: red\n"),
		wantErr:        `invalid matcher "by-color"`,
	}})
}

func TestFieldPathPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"a.b.c", "a.b.c", true},
		{"a.*.c", "a.b1.c", true},
		{"a.*.c", "a.b.d.c", false},
		{"a.**.c", "a.b3.d[0].f.g.c", true},
		{"a.**.c", "a.c", true},
		{"a.b[1].c", "a.b[1].c", true},
		{"a.b[1].c", "a.b[2].c", false},
		{"a.b[*].c", "a.b[2].c", true},
		{"a.*.c", "a.b[2].c", false},
	} {
		if got := tokensMatch(pathTokens(tc.pattern), pathTokens(tc.path)); got != tc.want {
			t.Errorf("%s on %s: %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}
