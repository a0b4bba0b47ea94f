package envtest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

const (
	packageRevision = `
apiVersion: porch.kpt.dev/v1alpha1
kind: PackageRevision
metadata: {name: blueprints.app.v1}
spec:
  packageName: app
  repository: blueprints
  workspaceName: v1
  tasks:
  - {type: init, init: {description: an app}}
`
	packagePattern   = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	repoNamePattern  = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	workspacePattern = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	createdAsDraft   = "a PackageRevision is created as Draft; propose and approve it to publish"
	exactlyOneSource = "exactly one of git, oci and upstreamRef must be set"
)

// task is a patch setting the revision's only task.
func task(yamlTask string) string { return "{spec: {tasks: [" + yamlTask + "]}}" }

// clone is a patch setting a clone task with this upstream.
func clone(upstream string) string {
	return task("{type: clone, clone: {upstreamRef: " + upstream + "}}")
}

const upgrade = `{type: upgrade, upgrade: {oldUpstreamRef: {name: u.app.v1}, newUpstreamRef: {name: u.app.v2}, localPackageRevisionRef: {name: l.app.v1}`

var _ = Describe("PackageRevision validation", func() {
	pkg := func(p string) map[string]any { return at(p, "spec", "packageName") }
	ws := func(w string) map[string]any { return at(w, "spec", "workspaceName") }
	gitSource := `{repo: "https://example.com/b.git", ref: main, directory: app}`
	tasksAt := "spec.tasks[0]"

	DescribeTable("create", creating(packageRevision),
		Entry("minimal", nil, ""),
		Entry("without spec", `{spec: null}`, required("spec")),
		Entry("without tasks", `{spec: {tasks: null}}`, ""),
		Entry("named after repository, package and workspace", `{metadata: {name: blueprints.app.v1}}`, ""),
		Entry("nested package named with dots", `{metadata: {name: blueprints.team.app.v1}, spec: {packageName: team/app}}`, ""),
		Entry("every field", `
spec:
  lifecycle: Draft
  readinessGates: [{conditionType: ready}]
  packageMetadata: {labels: {a: b}, annotations: {c: d}}
`, ""),

		Entry("lifecycle Draft", `{spec: {lifecycle: Draft}}`, ""),
		Entry("lifecycle Proposed", `{spec: {lifecycle: Proposed}}`, objRule("spec.lifecycle", createdAsDraft)),
		Entry("lifecycle Proposed, revision 0", `{spec: {lifecycle: Proposed, revision: 0}}`, objRule("spec.lifecycle", createdAsDraft)),
		Entry("lifecycle Published", `{spec: {lifecycle: Published}}`, objRule("spec.lifecycle", createdAsDraft)),
		Entry("lifecycle DeletionProposed", `{spec: {lifecycle: DeletionProposed}}`, objRule("spec.lifecycle", createdAsDraft)),
		Entry("lifecycle Published, revision 1 (read from the repository)", `{spec: {lifecycle: Published, revision: 1}}`, ""),
		Entry("lifecycle Published, revision -1 (the branch)", `{spec: {lifecycle: Published, revision: -1}}`, ""),
		Entry("lifecycle Final", `{spec: {lifecycle: Final}}`, unsupported("spec.lifecycle", "Final")),
		Entry("revision -2", `{spec: {revision: -2}}`, "spec.revision: Invalid value: -2: spec.revision in body should be greater than or equal to -1"),

		Entry("packageName team/app", pkg("team/app"), ""),
		Entry("packageName a/b/c", pkg("a/b/c"), ""),
		Entry("packageName of 200", pkg(long(200)), ""),
		Entry("packageName of 201", pkg(long(201)), tooLong("spec.packageName", 200)),
		Entry("packageName missing", `{spec: {packageName: null}}`, required("spec.packageName")),
		Entry("packageName empty", pkg(""), tooShort("spec.packageName")),
		Entry("packageName team/../app", pkg("team/../app"), noMatch("spec.packageName", "team/../app", packagePattern)),
		Entry("packageName a..b", pkg("a..b"), noMatch("spec.packageName", "a..b", packagePattern)),
		Entry("packageName App", pkg("App"), noMatch("spec.packageName", "App", packagePattern)),
		Entry("packageName team//app", pkg("team//app"), noMatch("spec.packageName", "team//app", packagePattern)),
		Entry("packageName /app", pkg("/app"), noMatch("spec.packageName", "/app", packagePattern)),
		Entry("packageName app/", pkg("app/"), noMatch("spec.packageName", "app/", packagePattern)),

		Entry("repository of 63", at(long(63), "spec", "repository"), ""),
		Entry("repository of 64", at(long(64), "spec", "repository"), tooLong("spec.repository", 63)),
		Entry("repository missing", `{spec: {repository: null}}`, required("spec.repository")),
		Entry("repository empty", at("", "spec", "repository"), tooShort("spec.repository")),
		Entry("repository Blue", at("Blue", "spec", "repository"), noMatch("spec.repository", "Blue", repoNamePattern)),
		Entry("repository a.b", at("a.b", "spec", "repository"), noMatch("spec.repository", "a.b", repoNamePattern)),

		Entry("workspaceName v2.0.0", ws("v2.0.0"), ""),
		Entry("workspaceName my-ws", ws("my-ws"), ""),
		Entry("workspaceName of 63", ws(long(63)), ""),
		Entry("workspaceName of 64", ws(long(64)), tooLong("spec.workspaceName", 63)),
		Entry("workspaceName missing", `{spec: {workspaceName: null}}`, required("spec.workspaceName")),
		Entry("workspaceName empty", ws(""), tooShort("spec.workspaceName")),
		Entry("workspaceName Bad_WS", ws("Bad_WS"), noMatch("spec.workspaceName", "Bad_WS", workspacePattern)),
		Entry("workspaceName .v1", ws(".v1"), noMatch("spec.workspaceName", ".v1", workspacePattern)),
		Entry("workspaceName v1-", ws("v1-"), noMatch("spec.workspaceName", "v1-", workspacePattern)),
		Entry("workspaceName a..b", ws("a..b"), noMatch("spec.workspaceName", "a..b", workspacePattern)),
		Entry("workspaceName a.-b", ws("a.-b"), noMatch("spec.workspaceName", "a.-b", workspacePattern)),
		Entry("workspaceName v1.lock", ws("v1.lock"), rule("spec.workspaceName", "v1.lock", "spec.workspaceName must not end with .lock")),

		Entry("two tasks", `{spec: {tasks: [{type: init}, {type: init}]}}`, tooMany("spec.tasks", 2, 1)),
		Entry("task type missing", task(`{init: {}}`), required("spec.tasks[0].type")),
		Entry("task type patch", task(`{type: patch}`), unsupported("spec.tasks[0].type", "patch")),
		Entry("init without init", task(`{type: init}`), ""),
		Entry("init subpackage of 200", task(`{type: init, init: {subpackage: `+long(200)+`}}`), ""),
		Entry("init subpackage of 201", task(`{type: init, init: {subpackage: `+long(201)+`}}`), tooLong("spec.tasks[0].init.subpackage", 200)),
		Entry("init with clone", task(`{type: init, init: {}, clone: {upstreamRef: {upstreamRef: {name: b.app.v1}}}}`),
			objRule(tasksAt, "a task of type init may set only init")),
		Entry("clone without clone", task(`{type: clone}`), objRule(tasksAt, "a task of type clone needs clone and may set nothing else")),
		Entry("clone with init", task(`{type: clone, init: {}, clone: {upstreamRef: {upstreamRef: {name: b.app.v1}}}}`),
			objRule(tasksAt, "a task of type clone needs clone and may set nothing else")),
		Entry("edit", task(`{type: edit, edit: {sourceRef: {name: blueprints.app.v0}}}`), ""),
		Entry("edit without edit", task(`{type: edit}`), objRule(tasksAt, "a task of type edit needs edit and may set nothing else")),
		Entry("edit with init", task(`{type: edit, init: {}, edit: {sourceRef: {name: b.app.v0}}}`),
			objRule(tasksAt, "a task of type edit needs edit and may set nothing else")),
		Entry("edit without sourceRef", task(`{type: edit, edit: {}}`), required("spec.tasks[0].edit.sourceRef")),
		Entry("edit sourceRef name empty", task(`{type: edit, edit: {sourceRef: {name: ""}}}`), tooShort("spec.tasks[0].edit.sourceRef.name")),
		Entry("edit sourceRef name of 254", task(`{type: edit, edit: {sourceRef: {name: `+long(254)+`}}}`), tooLong("spec.tasks[0].edit.sourceRef.name", 253)),
		Entry("upgrade", task(upgrade+`}}`), ""),
		Entry("upgrade without upgrade", task(`{type: upgrade}`), objRule(tasksAt, "a task of type upgrade needs upgrade and may set nothing else")),
		Entry("upgrade with edit", task(`{type: upgrade, edit: {sourceRef: {name: b}}, upgrade: {oldUpstreamRef: {name: a}, newUpstreamRef: {name: b}, localPackageRevisionRef: {name: c}}}`),
			objRule(tasksAt, "a task of type upgrade needs upgrade and may set nothing else")),
		Entry("upgrade without newUpstreamRef", task(`{type: upgrade, upgrade: {oldUpstreamRef: {name: a}, localPackageRevisionRef: {name: c}}}`),
			required("spec.tasks[0].upgrade.newUpstreamRef")),
		Entry("upgrade strategy copy-merge", task(upgrade+`, strategy: copy-merge}}`), ""),
		Entry("upgrade strategy fast-forward", task(upgrade+`, strategy: fast-forward}}`), ""),
		Entry("upgrade strategy rebase", task(upgrade+`, strategy: rebase}}`), unsupported("spec.tasks[0].upgrade.strategy", "rebase")),

		Entry("clone of a PackageRevision", clone(`{upstreamRef: {name: blueprints.app.v1}}`), ""),
		Entry("clone of git", clone(`{type: git, git: `+gitSource+`}`), ""),
		Entry("clone of oci", clone(`{type: oci, oci: {image: "example.com/app:v1"}}`), ""),
		Entry("clone without upstreamRef", task(`{type: clone, clone: {}}`), required("spec.tasks[0].clone.upstreamRef")),
		Entry("clone of nothing", clone(`{}`), objRule("spec.tasks[0].clone.upstreamRef", exactlyOneSource)),
		Entry("clone of git and upstreamRef", clone(`{git: `+gitSource+`, upstreamRef: {name: b.app.v1}}`),
			objRule("spec.tasks[0].clone.upstreamRef", exactlyOneSource)),
		Entry("clone of git and oci", clone(`{git: `+gitSource+`, oci: {image: i}}`), objRule("spec.tasks[0].clone.upstreamRef", exactlyOneSource)),
		Entry("clone type git without git", clone(`{type: git, upstreamRef: {name: b.app.v1}}`),
			objRule("spec.tasks[0].clone.upstreamRef", "git is required when type is git")),
		Entry("clone type oci without oci", clone(`{type: oci, git: `+gitSource+`}`),
			objRule("spec.tasks[0].clone.upstreamRef", "oci is required when type is oci")),
		Entry("clone type svn", clone(`{type: svn, upstreamRef: {name: b.app.v1}}`), unsupported("spec.tasks[0].clone.upstreamRef.type", "svn")),
		Entry("clone git without ref", clone(`{git: {repo: r, directory: d}}`), required("spec.tasks[0].clone.upstreamRef.git.ref")),
		Entry("clone git without directory", clone(`{git: {repo: r, ref: main}}`), required("spec.tasks[0].clone.upstreamRef.git.directory")),
		Entry("clone git with empty directory", clone(`{git: {repo: r, ref: main, directory: ""}}`), ""),
		Entry("clone git repo empty", clone(`{git: {repo: "", ref: main, directory: d}}`), tooShort("spec.tasks[0].clone.upstreamRef.git.repo")),
		Entry("clone git ref of 256", clone(`{git: {repo: r, ref: `+long(256)+`, directory: d}}`), tooLong("spec.tasks[0].clone.upstreamRef.git.ref", 255)),
		Entry("clone git directory of 1025", clone(`{git: {repo: r, ref: main, directory: `+long(1025)+`}}`),
			tooLong("spec.tasks[0].clone.upstreamRef.git.directory", 1024)),
		Entry("clone oci image empty", clone(`{oci: {image: ""}}`), tooShort("spec.tasks[0].clone.upstreamRef.oci.image")),
		Entry("clone upstreamRef name empty", clone(`{upstreamRef: {name: ""}}`), tooShort("spec.tasks[0].clone.upstreamRef.upstreamRef.name")),

		Entry("32 readiness gates", at(list(32, func(int) any { return map[string]any{"conditionType": "c"} }), "spec", "readinessGates"), ""),
		Entry("33 readiness gates", at(list(33, func(int) any { return map[string]any{"conditionType": "c"} }), "spec", "readinessGates"),
			tooMany("spec.readinessGates", 33, 32)),
		Entry("readiness gate without conditionType", `{spec: {readinessGates: [{}]}}`, required("spec.readinessGates[0].conditionType")),
		Entry("readiness gate conditionType empty", `{spec: {readinessGates: [{conditionType: ""}]}}`, tooShort("spec.readinessGates[0].conditionType")),
		Entry("readiness gate conditionType of 316", at([]any{map[string]any{"conditionType": long(316)}}, "spec", "readinessGates"), ""),
		Entry("readiness gate conditionType of 317", at([]any{map[string]any{"conditionType": long(317)}}, "spec", "readinessGates"),
			tooLong("spec.readinessGates[0].conditionType", 316)),
	)

	It("defaults an omitted lifecycle to Draft", func() {
		obj := build(newNamespace(), packageRevision)
		Expect(k8s.Create(ctx, obj)).To(Succeed())
		pr := &porchv1alpha1.PackageRevision{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), pr)).To(Succeed())
		Expect(pr.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecycleDraft))
	})

	DescribeTable("update", func(patch any, want string) { updating(packageRevision, patch, want) },
		Entry("packageName changed", pkg("other"), rule("spec.packageName", "other", "spec.packageName is immutable")),
		Entry("repository changed", at("other", "spec", "repository"), rule("spec.repository", "other", "spec.repository is immutable")),
		Entry("workspaceName changed", ws("v2"), rule("spec.workspaceName", "v2", "spec.workspaceName is immutable")),
		Entry("task changed", task(`{type: init, init: {description: another}}`), objRule("spec.tasks", "spec.tasks is immutable")),
		Entry("task replaced", clone(`{upstreamRef: {name: b.app.v1}}`), objRule("spec.tasks", "spec.tasks is immutable")),
		Entry("task removed", `{spec: {tasks: null}}`, objRule("spec.tasks", "spec.tasks is immutable")),
		Entry("identity and task kept, lifecycle proposed", `
spec:
  packageName: app
  repository: blueprints
  workspaceName: v1
  tasks: [{type: init, init: {description: an app}}]
  lifecycle: Proposed
`, ""),
		Entry("published with revision 0 after creation", `{spec: {lifecycle: Published}}`, ""),
		Entry("readiness gates and metadata changed", `{spec: {readinessGates: [{conditionType: c}], packageMetadata: {labels: {a: b}}}}`, ""),
	)

	DescribeTable("status", updatingStatus(packageRevision),
		Entry("package condition", `{status: {packageConditions: [{type: Ready, status: "True"}]}}`, ""),
		Entry("package condition status Maybe", `{status: {packageConditions: [{type: Ready, status: Maybe}]}}`,
			unsupported("status.packageConditions[0].status", "Maybe")),
		Entry("package condition without type", `{status: {packageConditions: [{status: "True"}]}}`, required("status.packageConditions[0].type")),
		Entry("package condition without status", `{status: {packageConditions: [{type: Ready}]}}`, required("status.packageConditions[0].status")),
	)
})

var _ = Describe("PackageRevisionResources validation", func() {
	const resources = `
apiVersion: porch.kpt.dev/v1alpha1
kind: PackageRevisionResources
metadata: {name: blueprints.app.v1}
spec:
  packageName: app
  repository: blueprints
  workspaceName: v1
  resources: {Kptfile: "kind: Kptfile"}
`
	DescribeTable("create", creating(resources),
		Entry("minimal", nil, ""),
		Entry("without spec", `{spec: null}`, ""),
	)
	DescribeTable("status", updatingStatus(resources),
		Entry("render status", `{status: {resources: {Kptfile: k}, renderStatus: {result: {exitCode: 0, items: [{image: fn, exitCode: 0}]}}}}`, ""),
		Entry("render result without exitCode", `{status: {renderStatus: {result: {items: []}}}}`, required("status.renderStatus.result.exitCode")),
		Entry("function result without exitCode", `{status: {renderStatus: {result: {exitCode: 1, items: [{image: fn}]}}}}`,
			required("status.renderStatus.result.items[0].exitCode")),
	)
})

var _ = Describe("PorchPackage validation", func() {
	DescribeTable("create", creating(`
apiVersion: porch.kpt.dev/v1alpha1
kind: PorchPackage
metadata: {name: blueprints.app}
spec: {packageName: app, repository: blueprints}
`),
		Entry("minimal", nil, ""),
		Entry("without spec", `{spec: null}`, ""),
	)
})
