package builtin

import (
	"slices"

	"sigs.k8s.io/kustomize/api/filters/nameref"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"
)

// nameReference is a kind whose name other resources hold, and the fields
// they hold it in.
type nameReference struct {
	target    resid.Gvk
	referrers types.FsSlice
}

// ofKind selects a kind in any group and version.
func ofKind(k string) resid.Gvk { return resid.Gvk{Kind: k} }

func fields(gvk resid.Gvk, paths ...string) types.FsSlice {
	fs := make(types.FsSlice, len(paths))
	for i, p := range paths {
		fs[i] = types.FieldSpec{Gvk: gvk, Path: p}
	}
	return fs
}

// inPodSpecs is the fields at paths in the pod spec of each of holders.
func inPodSpecs(holders []resid.Gvk, paths ...string) types.FsSlice {
	var fs types.FsSlice
	for _, h := range holders {
		spec := "spec/template/spec"
		switch h.Kind {
		case "Pod":
			spec = "spec"
		case "PodTemplate":
			spec = "template/spec"
		case "CronJob":
			spec = "spec/jobTemplate/spec/template/spec"
		}
		for _, p := range paths {
			fs = append(fs, types.FieldSpec{Gvk: h, Path: spec + "/" + p})
		}
	}
	return fs
}

// Two lists of pod holders, as kustomize has them: the one for ConfigMap
// and Secret references has PodTemplate and ReplicaSet, the other
// ReplicationController.
var (
	configHolders = []resid.Gvk{{Version: "v1", Kind: "Pod"}, ofKind("PodTemplate"), ofKind("Deployment"),
		ofKind("ReplicaSet"), ofKind("DaemonSet"), ofKind("StatefulSet"), ofKind("Job"), ofKind("CronJob")}
	workloadHolders = []resid.Gvk{ofKind("Pod"), ofKind("StatefulSet"), ofKind("Deployment"),
		ofKind("ReplicationController"), ofKind("CronJob"), ofKind("Job"), ofKind("DaemonSet")}
)

const (
	rbac      = "rbac.authorization.k8s.io"
	admission = "admissionregistration.k8s.io"
)

// nameReferences is kustomize's default name reference configuration, the
// one the catalog's ensure-name-substring follows. kustomize keeps it
// internal; it is written out here by the pod spec paths it repeats.
var nameReferences = []nameReference{
	{ofKind("Deployment"), fields(ofKind("HorizontalPodAutoscaler"), "spec/scaleTargetRef/name")},
	{ofKind("ReplicationController"), fields(ofKind("HorizontalPodAutoscaler"), "spec/scaleTargetRef/name")},
	{ofKind("ReplicaSet"), fields(ofKind("HorizontalPodAutoscaler"), "spec/scaleTargetRef/name")},
	{ofKind("StatefulSet"), fields(ofKind("HorizontalPodAutoscaler"), "spec/scaleTargetRef/name")},
	{resid.Gvk{Version: "v1", Kind: "ConfigMap"}, slices.Concat(
		inPodSpecs(configHolders,
			"volumes/configMap/name",
			"containers/env/valueFrom/configMapKeyRef/name",
			"initContainers/env/valueFrom/configMapKeyRef/name",
			"containers/envFrom/configMapRef/name",
			"initContainers/envFrom/configMapRef/name",
			"volumes/projected/sources/configMap/name"),
		fields(ofKind("Node"), "spec/configSource/configMap"),
		fields(ofKind("Role"), "rules/resourceNames"),
		fields(ofKind("ClusterRole"), "rules/resourceNames"),
		fields(ofKind("Ingress"), `metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap`),
	)},
	{resid.Gvk{Version: "v1", Kind: "Secret"}, slices.Concat(
		inPodSpecs(configHolders,
			"volumes/secret/secretName",
			"containers/env/valueFrom/secretKeyRef/name",
			"initContainers/env/valueFrom/secretKeyRef/name",
			"containers/envFrom/secretRef/name",
			"initContainers/envFrom/secretRef/name",
			"imagePullSecrets/name",
			"volumes/projected/sources/secret/name"),
		fields(ofKind("Ingress"), "spec/tls/secretName",
			`metadata/annotations/ingress.kubernetes.io\/auth-secret`,
			`metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret`,
			`metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret`),
		fields(ofKind("ServiceAccount"), "imagePullSecrets/name"),
		fields(ofKind("StorageClass"), "parameters/secretName", "parameters/adminSecretName",
			"parameters/userSecretName", "parameters/secretRef"),
		fields(ofKind("Role"), "rules/resourceNames"),
		fields(ofKind("ClusterRole"), "rules/resourceNames"),
		fields(resid.Gvk{Group: "serving.knative.dev", Version: "v1", Kind: "Service"},
			"spec/template/spec/containers/env/valueFrom/secretKeyRef/name"),
		fields(ofKind("PersistentVolume"), "spec/azureFile/secretName"),
	)},
	{resid.Gvk{Version: "v1", Kind: "Service"}, slices.Concat(
		fields(resid.Gvk{Group: "apps", Kind: "StatefulSet"}, "spec/serviceName"),
		fields(ofKind("Ingress"), "spec/rules/http/paths/backend/serviceName", "spec/backend/serviceName",
			"spec/rules/http/paths/backend/service/name", "spec/defaultBackend/service/name"),
		fields(resid.Gvk{Group: "apiregistration.k8s.io", Kind: "APIService"}, "spec/service/name"),
		fields(resid.Gvk{Group: admission, Kind: "ValidatingWebhookConfiguration"}, "webhooks/clientConfig/service"),
		fields(resid.Gvk{Group: admission, Kind: "MutatingWebhookConfiguration"}, "webhooks/clientConfig/service"),
	)},
	{resid.Gvk{Group: rbac, Kind: "Role"}, fields(resid.Gvk{Group: rbac, Kind: "RoleBinding"}, "roleRef/name")},
	{resid.Gvk{Group: rbac, Kind: "ClusterRole"}, slices.Concat(
		fields(resid.Gvk{Group: rbac, Kind: "RoleBinding"}, "roleRef/name"),
		fields(resid.Gvk{Group: rbac, Kind: "ClusterRoleBinding"}, "roleRef/name"),
	)},
	{resid.Gvk{Version: "v1", Kind: "ServiceAccount"}, slices.Concat(
		fields(resid.Gvk{Group: rbac, Kind: "RoleBinding"}, "subjects"),
		fields(resid.Gvk{Group: rbac, Kind: "ClusterRoleBinding"}, "subjects"),
		inPodSpecs(workloadHolders, "serviceAccountName"),
	)},
	{resid.Gvk{Version: "v1", Kind: "PersistentVolumeClaim"},
		inPodSpecs(workloadHolders, "volumes/persistentVolumeClaim/claimName")},
	{resid.Gvk{Version: "v1", Kind: "PersistentVolume"}, slices.Concat(
		fields(ofKind("PersistentVolumeClaim"), "spec/volumeName"),
		fields(ofKind("ClusterRole"), "rules/resourceNames"),
	)},
	{resid.Gvk{Group: "storage.k8s.io", Version: "v1", Kind: "StorageClass"}, slices.Concat(
		fields(ofKind("PersistentVolume"), "spec/storageClassName"),
		fields(ofKind("PersistentVolumeClaim"), "spec/storageClassName"),
		fields(ofKind("StatefulSet"), "spec/volumeClaimTemplates/spec/storageClassName"),
	)},
	{resid.Gvk{Group: "scheduling.k8s.io", Version: "v1", Kind: "PriorityClass"},
		inPodSpecs(workloadHolders, "priorityClassName")},
	// The group is kustomize's, version and all: no IngressClass has it, so
	// ingressClassName is never updated, by kustomize or the catalog.
	{resid.Gvk{Group: "networking.k8s.io/v1", Version: "v1", Kind: "IngressClass"},
		fields(ofKind("Ingress"), "spec/ingressClassName")},
	{resid.Gvk{Group: admission, Kind: "ValidatingAdmissionPolicy"},
		fields(resid.Gvk{Group: admission, Kind: "ValidatingAdmissionPolicyBinding"}, "spec/policyName")},
}

// fixNameReferences points the references to renamed resources at their new
// names. kustomize's filter reads each rename from the bookkeeping its
// resources keep, and leaves references to resources not renamed alone.
func fixNameReferences(m resmap.ResMap) error {
	for _, referrer := range m.Resources() {
		var candidates resmap.ResMap
		for _, ref := range nameReferences {
			for _, field := range ref.referrers {
				if !referrer.OrgId().IsSelected(&field.Gvk) {
					continue
				}
				if candidates == nil {
					var err error
					if candidates, err = m.SubsetThatCouldBeReferencedByResource(referrer); err != nil {
						return err
					}
				}
				err := referrer.ApplyFilter(nameref.Filter{
					Referrer:           referrer,
					NameFieldToUpdate:  field,
					ReferralTarget:     ref.target,
					ReferralCandidates: candidates,
				})
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}
