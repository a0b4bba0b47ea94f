package envtest

import (
	. "github.com/onsi/ginkgo/v2"
)

const (
	packageVariant = `
apiVersion: config.porch.kpt.dev/v1alpha1
kind: PackageVariant
metadata: {name: app-edge}
spec:
  upstream: {repo: blueprints, package: app, revision: 1}
  downstream: {repo: deployments, package: app}
`
	packageVariantSet = `
apiVersion: config.porch.kpt.dev/v1alpha1
kind: PackageVariantSet
metadata: {name: app-fleet}
spec:
  upstream: {repo: blueprints, package: app}
  targets:
  - repositories: [{name: edge1, packageNames: [app]}]
`
	atMostOneUpstream = "at most one of revision and workspaceName may be set"
	exactlyOneTarget  = "exactly one of repositories, repositorySelector and objectSelector must be set"
	exactlyOneKey     = "exactly one of key and keyExpr must be set"
	exactlyOneValue   = "exactly one of value and valueExpr must be set"
	exactlyOneName    = "exactly one of name and nameExpr must be set"
)

// target is a patch setting the set's only target.
func target(yamlTarget string) string { return "{spec: {targets: [" + yamlTarget + "]}}" }

// template is a patch setting the template of the set's only target.
func template(yamlTemplate string) string {
	return target("{repositories: [{name: edge1}], template: " + yamlTemplate + "}")
}

var _ = Describe("PackageVariant validation", func() {
	DescribeTable("create", creating(packageVariant),
		Entry("minimal", nil, ""),
		Entry("every field", `
spec:
  adoptionPolicy: adoptExisting
  deletionPolicy: orphan
  labels: {a: b}
  annotations: {c: d}
  packageContext: {data: {k: v}, removeKeys: [old]}
  pipeline:
    mutators: [{image: set-labels, configMap: {app: x}}]
    validators: [{image: kubeconform}]
  injectors: [{group: "", version: v1, kind: ConfigMap, name: cm}]
`, ""),

		Entry("upstream missing", `{spec: {upstream: null}}`, required("spec.upstream")),
		Entry("downstream missing", `{spec: {downstream: null}}`, required("spec.downstream")),
		Entry("upstream by workspaceName", `{spec: {upstream: {revision: null, workspaceName: v1}}}`, ""),
		Entry("upstream latest", `{spec: {upstream: {revision: null}}}`, ""),
		Entry("upstream revision and workspaceName", `{spec: {upstream: {workspaceName: v1}}}`, objRule("spec.upstream", atMostOneUpstream)),
		Entry("upstream revision 0 (unset) and workspaceName", `{spec: {upstream: {revision: 0, workspaceName: v1}}}`, ""),
		Entry("without spec", `{spec: null}`, required("spec")),
		Entry("upstream revision -1", `{spec: {upstream: {revision: -1}}}`,
			"spec.upstream.revision: Invalid value: -1: spec.upstream.revision in body should be greater than or equal to 0"),
		Entry("upstream repo of 63", at(long(63), "spec", "upstream", "repo"), ""),
		Entry("upstream repo of 64", at(long(64), "spec", "upstream", "repo"), tooLong("spec.upstream.repo", 63)),
		Entry("upstream package of 200", at(long(200), "spec", "upstream", "package"), ""),
		Entry("upstream package of 201", at(long(201), "spec", "upstream", "package"), tooLong("spec.upstream.package", 200)),
		Entry("upstream workspaceName of 64", `{spec: {upstream: {revision: null, workspaceName: `+long(64)+`}}}`,
			tooLong("spec.upstream.workspaceName", 63)),
		Entry("downstream repo of 63", at(long(63), "spec", "downstream", "repo"), ""),
		Entry("downstream repo of 64", at(long(64), "spec", "downstream", "repo"), tooLong("spec.downstream.repo", 63)),
		Entry("downstream package of 200", at(long(200), "spec", "downstream", "package"), ""),
		Entry("downstream package of 201", at(long(201), "spec", "downstream", "package"), tooLong("spec.downstream.package", 200)),

		Entry("adoptionPolicy adoptNone", `{spec: {adoptionPolicy: adoptNone}}`, ""),
		Entry("adoptionPolicy adoptAll", `{spec: {adoptionPolicy: adoptAll}}`, unsupported("spec.adoptionPolicy", "adoptAll")),
		Entry("deletionPolicy delete", `{spec: {deletionPolicy: delete}}`, ""),
		Entry("deletionPolicy keep", `{spec: {deletionPolicy: keep}}`, unsupported("spec.deletionPolicy", "keep")),

		Entry("injector without name", `{spec: {injectors: [{kind: ConfigMap}]}}`, required("spec.injectors[0].name")),
		Entry("injector name empty", `{spec: {injectors: [{name: ""}]}}`, tooShort("spec.injectors[0].name")),
	)

	DescribeTable("status", updatingStatus(packageVariant),
		Entry("downstream target", `{status: {downstreamTargets: [{name: d.app.v1, renderStatus: {result: {exitCode: 0}}}]}}`, ""),
		Entry("render result without exitCode", `{status: {downstreamTargets: [{name: d.app.v1, renderStatus: {result: {items: []}}}]}}`,
			required("status.downstreamTargets[0].renderStatus.result.exitCode")),
	)
})

var _ = Describe("PackageVariantSet validation", func() {
	objectSelector := `objectSelector: {apiVersion: v1, kind: ConfigMap, matchLabels: {site: edge}}`
	tmpl := "spec.targets[0].template"

	DescribeTable("create", creating(packageVariantSet),
		Entry("minimal", nil, ""),
		Entry("without targets", `{spec: {targets: null}}`, ""),
		Entry("upstream missing", `{spec: {upstream: null}}`, required("spec.upstream")),
		Entry("upstream by workspaceName", `{spec: {upstream: {workspaceName: v1}}}`, ""),
		Entry("upstream revision and workspaceName", `{spec: {upstream: {revision: 2, workspaceName: v1}}}`, objRule("spec.upstream", atMostOneUpstream)),
		Entry("upstream revision -1", `{spec: {upstream: {revision: -1}}}`,
			"spec.upstream.revision: Invalid value: -1: spec.upstream.revision in body should be greater than or equal to 0"),
		Entry("upstream package of 201", at(long(201), "spec", "upstream", "package"), tooLong("spec.upstream.package", 200)),

		Entry("target by repositorySelector", target(`{repositorySelector: {matchLabels: {site: edge}}}`), ""),
		Entry("target by objectSelector", target(`{`+objectSelector+`}`), ""),
		Entry("target of nothing", target(`{template: {}}`), objRule("spec.targets[0]", exactlyOneTarget)),
		Entry("target by repositories and repositorySelector", target(`{repositories: [{name: r}], repositorySelector: {}}`),
			objRule("spec.targets[0]", exactlyOneTarget)),
		Entry("target by repositories and objectSelector", target(`{repositories: [{name: r}], `+objectSelector+`}`),
			objRule("spec.targets[0]", exactlyOneTarget)),
		Entry("target by all three", target(`{repositories: [{name: r}], repositorySelector: {}, `+objectSelector+`}`),
			objRule("spec.targets[0]", exactlyOneTarget)),
		Entry("64 targets", at(list(64, func(int) any { return doc(`{repositories: [{name: r}]}`) }), "spec", "targets"), ""),
		Entry("65 targets", at(list(65, func(int) any { return doc(`{repositories: [{name: r}]}`) }), "spec", "targets"),
			tooMany("spec.targets", 65, 64)),
		Entry("1000 repositories", at([]any{at(list(1000, func(int) any { return map[string]any{"name": "r"} }), "repositories")}, "spec", "targets"), ""),
		Entry("1001 repositories", at([]any{at(list(1001, func(int) any { return map[string]any{"name": "r"} }), "repositories")}, "spec", "targets"),
			tooMany("spec.targets[0].repositories", 1001, 1000)),
		Entry("repository without name", target(`{repositories: [{packageNames: [a]}]}`), required("spec.targets[0].repositories[0].name")),
		Entry("repository name empty", target(`{repositories: [{name: ""}]}`), tooShort("spec.targets[0].repositories[0].name")),
		Entry("repository name of 63", target(`{repositories: [{name: `+long(63)+`}]}`), ""),
		Entry("repository name of 64", target(`{repositories: [{name: `+long(64)+`}]}`), tooLong("spec.targets[0].repositories[0].name", 63)),
		Entry("objectSelector without apiVersion", target(`{objectSelector: {kind: ConfigMap}}`), required("spec.targets[0].objectSelector.apiVersion")),
		Entry("objectSelector without kind", target(`{objectSelector: {apiVersion: v1}}`), required("spec.targets[0].objectSelector.kind")),
		Entry("objectSelector apiVersion empty", target(`{objectSelector: {apiVersion: "", kind: ConfigMap}}`),
			tooShort("spec.targets[0].objectSelector.apiVersion")),
		Entry("objectSelector kind empty", target(`{objectSelector: {apiVersion: v1, kind: ""}}`), tooShort("spec.targets[0].objectSelector.kind")),

		Entry("template of every field", `
spec:
  targets:
  - repositories: [{name: edge1}]
    template:
      downstream: {repoExpr: "target.repo", package: app}
      adoptionPolicy: adoptExisting
      deletionPolicy: orphan
      labels: {a: b}
      labelExprs: [{key: k, valueExpr: "target.name"}]
      annotations: {c: d}
      annotationExprs: [{keyExpr: "'k'", value: v}]
      packageContext: {data: {k: v}, removeKeys: [x], dataExprs: [{key: k, value: v}], removeKeyExprs: ["'y'"]}
      pipeline:
        mutators: [{image: set-labels, configMap: {a: b}, configMapExprs: [{key: c, valueExpr: "target.name"}]}]
        validators: [{image: kubeconform}]
      injectors: [{kind: ConfigMap, nameExpr: "target.name"}, {name: cm}]
`, ""),
		Entry("downstream repo and repoExpr", template(`{downstream: {repo: r, repoExpr: "target.repo"}}`),
			objRule(tmpl+".downstream", "at most one of repo and repoExpr may be set")),
		Entry("downstream package and packageExpr", template(`{downstream: {package: p, packageExpr: "target.name"}}`),
			objRule(tmpl+".downstream", "at most one of package and packageExpr may be set")),
		Entry("downstream repo and packageExpr", template(`{downstream: {repo: r, packageExpr: "target.name"}}`), ""),
		Entry("template adoptionPolicy adoptAll", template(`{adoptionPolicy: adoptAll}`), unsupported(tmpl+".adoptionPolicy", "adoptAll")),
		Entry("template deletionPolicy keep", template(`{deletionPolicy: keep}`), unsupported(tmpl+".deletionPolicy", "keep")),

		Entry("label key and keyExpr", template(`{labelExprs: [{key: k, keyExpr: "'k'", value: v}]}`), objRule(tmpl+".labelExprs[0]", exactlyOneKey)),
		Entry("label without key", template(`{labelExprs: [{value: v}]}`), objRule(tmpl+".labelExprs[0]", exactlyOneKey)),
		Entry("label value and valueExpr", template(`{labelExprs: [{key: k, value: v, valueExpr: "'v'"}]}`), objRule(tmpl+".labelExprs[0]", exactlyOneValue)),
		Entry("label without value", template(`{labelExprs: [{key: k}]}`), objRule(tmpl+".labelExprs[0]", exactlyOneValue)),
		Entry("annotation key and keyExpr", template(`{annotationExprs: [{key: k, keyExpr: "'k'", value: v}]}`),
			objRule(tmpl+".annotationExprs[0]", exactlyOneKey)),
		Entry("annotation without value", template(`{annotationExprs: [{key: k}]}`), objRule(tmpl+".annotationExprs[0]", exactlyOneValue)),
		Entry("context data without key", template(`{packageContext: {dataExprs: [{valueExpr: "'v'"}]}}`),
			objRule(tmpl+".packageContext.dataExprs[0]", exactlyOneKey)),
		Entry("context data value and valueExpr", template(`{packageContext: {dataExprs: [{key: k, value: v, valueExpr: "'v'"}]}}`),
			objRule(tmpl+".packageContext.dataExprs[0]", exactlyOneValue)),
		Entry("mutator configMap key and keyExpr", template(`{pipeline: {mutators: [{image: f, configMapExprs: [{key: k, keyExpr: "'k'", value: v}]}]}}`),
			objRule(tmpl+".pipeline.mutators[0].configMapExprs[0]", exactlyOneKey)),
		Entry("validator configMap without value", template(`{pipeline: {validators: [{image: f, configMapExprs: [{keyExpr: "'k'"}]}]}}`),
			objRule(tmpl+".pipeline.validators[0].configMapExprs[0]", exactlyOneValue)),

		Entry("injector name", template(`{injectors: [{name: cm}]}`), ""),
		Entry("injector nameExpr", template(`{injectors: [{nameExpr: "target.name"}]}`), ""),
		Entry("injector name and nameExpr", template(`{injectors: [{name: cm, nameExpr: "target.name"}]}`), objRule(tmpl+".injectors[0]", exactlyOneName)),
		Entry("injector without name", template(`{injectors: [{kind: ConfigMap}]}`), objRule(tmpl+".injectors[0]", exactlyOneName)),
	)
})
