package builtin

import (
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"
)

// The fields the catalog's set-labels, set-annotations and set-image
// update besides metadata: kustomize's defaults for commonLabels,
// commonAnnotations and images, which the catalog functions use. kustomize
// keeps its own copy internal, so the common part is written out here.

const labelFieldSpecs = `
- {path: metadata/labels, create: true}
- {path: spec/selector, create: true, version: v1, kind: Service}
- {path: spec/selector, create: true, version: v1, kind: ReplicationController}
- {path: spec/template/metadata/labels, create: true, version: v1, kind: ReplicationController}
- {path: spec/selector/matchLabels, create: true, kind: Deployment}
- {path: spec/template/metadata/labels, create: true, kind: Deployment}
- {path: spec/selector/matchLabels, create: true, kind: ReplicaSet}
- {path: spec/template/metadata/labels, create: true, kind: ReplicaSet}
- {path: spec/selector/matchLabels, create: true, kind: DaemonSet}
- {path: spec/template/metadata/labels, create: true, kind: DaemonSet}
- {path: spec/selector/matchLabels, create: true, group: apps, kind: StatefulSet}
- {path: spec/template/metadata/labels, create: true, group: apps, kind: StatefulSet}
- {path: "spec/volumeClaimTemplates[]/metadata/labels", create: true, group: apps, kind: StatefulSet}
- {path: spec/selector/matchLabels, create: false, group: batch, kind: Job}
- {path: spec/template/metadata/labels, create: true, group: batch, kind: Job}
- {path: spec/jobTemplate/spec/selector/matchLabels, create: false, group: batch, kind: CronJob}
- {path: spec/jobTemplate/metadata/labels, create: true, group: batch, kind: CronJob}
- {path: spec/jobTemplate/spec/template/metadata/labels, create: true, group: batch, kind: CronJob}
- {path: spec/selector/matchLabels, create: false, group: policy, kind: PodDisruptionBudget}
- {path: spec/podSelector/matchLabels, create: false, group: networking.k8s.io, kind: NetworkPolicy}
- {path: spec/ingress/from/podSelector/matchLabels, create: false, group: networking.k8s.io, kind: NetworkPolicy}
- {path: spec/egress/to/podSelector/matchLabels, create: false, group: networking.k8s.io, kind: NetworkPolicy}
`

const annotationFieldSpecs = `
- {path: metadata/annotations, create: true}
- {path: spec/template/metadata/annotations, create: true, version: v1, kind: ReplicationController}
- {path: spec/template/metadata/annotations, create: true, kind: Deployment}
- {path: spec/template/metadata/annotations, create: true, kind: ReplicaSet}
- {path: spec/template/metadata/annotations, create: true, kind: DaemonSet}
- {path: spec/template/metadata/annotations, create: true, kind: StatefulSet}
- {path: spec/template/metadata/annotations, create: true, group: batch, kind: Job}
- {path: spec/jobTemplate/metadata/annotations, create: true, group: batch, kind: CronJob}
- {path: spec/jobTemplate/spec/template/metadata/annotations, create: true, group: batch, kind: CronJob}
`

const imageFieldSpecs = `
- {path: "spec/containers[]/image", create: true}
- {path: "spec/initContainers[]/image", create: true}
- {path: "spec/template/spec/containers[]/image", create: true}
- {path: "spec/template/spec/initContainers[]/image", create: true}
`

// mustFieldSpecs parses one of the constants above; they are fixed, so a
// failure is a bug caught by any test.
func mustFieldSpecs(s string) types.FsSlice {
	var fs types.FsSlice
	if err := yaml.Unmarshal([]byte(s), &fs); err != nil {
		panic(err)
	}
	return fs
}

var (
	labelFields      = mustFieldSpecs(labelFieldSpecs)
	annotationFields = mustFieldSpecs(annotationFieldSpecs)
	imageFields      = mustFieldSpecs(imageFieldSpecs)
)
