package pod

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// fatalWaiting are the waiting reasons of a container that will not start
// without someone changing something: the image, the registry's
// credentials, the function itself. Waiting out the ready timeout would
// only hide them.
var fatalWaiting = map[string]bool{
	"ErrImagePull":               true,
	"ImagePullBackOff":           true,
	"InvalidImageName":           true,
	"ErrImageNeverPull":          true,
	"CrashLoopBackOff":           true,
	"CreateContainerConfigError": true,
	"CreateContainerError":       true,
	"RunContainerError":          true,
}

// podReady says whether the pod can take a request: Ready, with an IP.
func podReady(pod *corev1.Pod) bool {
	if pod.Status.PodIP == "" {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podFailure says why the pod will never become ready, or "" while it
// still may.
func podFailure(pod *corev1.Pod) string {
	switch pod.Status.Phase {
	case corev1.PodFailed, corev1.PodSucceeded:
		return join(fmt.Sprintf("phase %s", pod.Status.Phase), pod.Status.Reason, pod.Status.Message)
	}
	for _, statuses := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, c := range statuses {
			if w := c.State.Waiting; w != nil && fatalWaiting[w.Reason] {
				return join("container "+c.Name, w.Reason, w.Message)
			}
		}
	}
	for _, c := range pod.Status.InitContainerStatuses {
		if t := c.State.Terminated; t != nil && t.ExitCode != 0 {
			return join(fmt.Sprintf("init container %s exited with %d", c.Name, t.ExitCode), t.Reason, t.Message)
		}
	}
	return ""
}

// pending says where a pod that is not ready yet stands, for the error of
// a pod that never became ready.
func pending(pod *corev1.Pod) string {
	var parts []string
	for _, c := range pod.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			parts = append(parts, join(fmt.Sprintf("%s=%s", c.Type, c.Status), c.Reason, c.Message))
		}
	}
	for _, c := range pod.Status.ContainerStatuses {
		if w := c.State.Waiting; w != nil {
			parts = append(parts, join("container "+c.Name, w.Reason, w.Message))
		}
	}
	if pod.Status.PodIP == "" {
		parts = append(parts, "no pod IP")
	}
	phase := string(pod.Status.Phase)
	if phase == "" {
		phase = "not scheduled"
	}
	return strings.Join(append([]string{"phase " + phase}, parts...), "; ")
}

func join(what string, reason, message string) string {
	for _, s := range []string{reason, message} {
		if s != "" {
			what += ": " + s
		}
	}
	return what
}
