package pod

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/ptr"

	"github.com/porch-dev/porch/runner"
)

// Labels and annotations of the runner's pods and services. Labels select;
// the image itself is an annotation because an image reference is not a
// valid label value.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "porch-function-runner"
	LabelImageHash = "fn.porch.kpt.dev/image-hash"
	// LabelPod is the Service's selector: one pod per Service.
	LabelPod               = "fn.porch.kpt.dev/pod"
	AnnotationImage        = "fn.porch.kpt.dev/image"
	AnnotationTemplateHash = "fn.porch.kpt.dev/template-hash"
	// AnnotationLastUsed records when the pod last ran a function, so that a
	// restarted runner knows how long an adopted pod has been idle.
	AnnotationLastUsed = "fn.porch.kpt.dev/last-used"
)

const (
	// toolsVolume is the emptyDir shared by the init container, which
	// installs the wrapper server into it, and the function's container,
	// which runs it from there.
	toolsVolume = "wrapper-server-tools"
	toolsDir    = "/wrapper-server-tools"
	// wrapperInImage is the wrapper server's path in the runner's image.
	wrapperInImage = "/wrapper-server"
	// maxBaseLength keeps names within a Service's 63 characters:
	// "fn-" + base + "-" + 8 hash + "-" + 5 random.
	maxBaseLength = 40
)

var notDNS = regexp.MustCompile(`[^a-z0-9]+`)

// podName is a DNS label naming a pod of image (and its Service): readable
// from the image's last path element and tag, unique per image by a short
// hash, and per pod by a random suffix.
func podName(image string) string {
	base := image[strings.LastIndex(image, "/")+1:]
	if i := strings.Index(base, "@"); i >= 0 {
		base = base[:i]
	}
	base = notDNS.ReplaceAllString(strings.ToLower(base), "-")
	if len(base) > maxBaseLength {
		base = base[:maxBaseLength]
	}
	base = strings.Trim(base, "-")
	if base == "" {
		base = "function"
	}
	return fmt.Sprintf("fn-%s-%s-%s", base, imageHash(image)[:8], utilrand.String(5))
}

// imageHash is a label value standing for the image.
func imageHash(image string) string {
	sum := sha256.Sum256([]byte(image))
	return hex.EncodeToString(sum[:])[:16]
}

// podSpec is what makes one function's pod from the template.
type podSpec struct {
	name, namespace, image string
	entrypoint             []string
	wrapperImage           string
	templateHash           string
	now                    time.Time
}

// buildPod makes the pod from the template: the function's container runs
// the wrapper server, installed by an init container of the runner's image,
// which runs the image's entrypoint for each request.
func buildPod(t *Template, s podSpec) *corev1.Pod {
	pod := t.pod.DeepCopy()
	pod.ObjectMeta = metav1.ObjectMeta{
		Name:        s.name,
		Namespace:   s.namespace,
		Labels:      merge(pod.Labels, map[string]string{LabelManagedBy: ManagedBy, LabelImageHash: imageHash(s.image), LabelPod: s.name}),
		Annotations: merge(pod.Annotations, map[string]string{AnnotationImage: s.image, AnnotationTemplateHash: s.templateHash, AnnotationLastUsed: s.now.UTC().Format(time.RFC3339)}),
	}
	port := int32(runner.WrapperServerPort)
	fn := &pod.Spec.Containers[0]
	fn.Image = s.image
	fn.Command = []string{toolsDir + "/wrapper-server"}
	fn.Args = append([]string{"--port", strconv.Itoa(int(port)), "--"}, s.entrypoint...)
	fn.Ports = append(fn.Ports, corev1.ContainerPort{Name: "grpc", ContainerPort: port, Protocol: corev1.ProtocolTCP})
	fn.VolumeMounts = append(fn.VolumeMounts, corev1.VolumeMount{Name: toolsVolume, MountPath: toolsDir, ReadOnly: true})
	if fn.ReadinessProbe == nil {
		// The wrapper server's health service: ready once it listens.
		fn.ReadinessProbe = &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: port}},
			PeriodSeconds: 2,
		}
	}
	pod.Spec.InitContainers = append(pod.Spec.InitContainers, corev1.Container{
		Name:         "install-wrapper-server",
		Image:        s.wrapperImage,
		Command:      []string{wrapperInImage, "--install", toolsDir},
		VolumeMounts: []corev1.VolumeMount{{Name: toolsVolume, MountPath: toolsDir}},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	})
	pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: toolsVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	return pod
}

// buildService makes the Service in front of one pod. The pod owns it, so
// that the cluster deletes it with the pod if the runner does not.
func buildService(pod *corev1.Pod) *corev1.Service {
	port := int32(runner.WrapperServerPort)
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:      pod.Name,
			Namespace: pod.Namespace,
			Labels: map[string]string{
				LabelManagedBy: ManagedBy,
				LabelImageHash: pod.Labels[LabelImageHash],
				LabelPod:       pod.Name,
			},
			Annotations: map[string]string{AnnotationImage: pod.Annotations[AnnotationImage]},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Pod", Name: pod.Name, UID: pod.UID,
			}},
		},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{LabelPod: pod.Name},
			Ports: []corev1.ServicePort{{
				Name: "grpc", Port: port, TargetPort: intstr.FromInt32(port), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
}

// serviceAddress is the default address of a pod's wrapper server: its
// Service's cluster DNS name.
func serviceAddress(_ *corev1.Pod, svc *corev1.Service) string {
	return fmt.Sprintf("%s.%s.svc:%d", svc.Name, svc.Namespace, runner.WrapperServerPort)
}

// lastUsed is when the pod last ran a function, as far as the cluster
// knows: its annotation, or its creation.
func lastUsed(pod *corev1.Pod) time.Time {
	if t, err := time.Parse(time.RFC3339, pod.Annotations[AnnotationLastUsed]); err == nil {
		return t
	}
	return pod.CreationTimestamp.Time
}

// merge returns base with extra's entries added over it.
func merge(base, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
