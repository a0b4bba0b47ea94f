package kptfile

import (
	"fmt"
	"slices"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// WithRenderStatus records a render's outcome in a Kptfile's status, as
// current kpt does in the root Kptfile after every render: the Rendered
// condition, in its place among the conditions (the others stay, in their
// order), and the steps that ran; nil steps remove an earlier record.
// Everything else keeps how it was written: comments, order and sequence
// indentation, so that a render that changes nothing else changes only
// the status.
func WithRenderStatus(content string, rendered kptfilev1.Condition, steps *kptfilev1.RenderStatus) (string, error) {
	kf, err := Read(content)
	if err != nil {
		return "", err
	}
	var status kptfilev1.Status
	if kf.Status != nil {
		status = *kf.Status
	}
	status.Conditions = slices.Clone(status.Conditions)
	if i := slices.IndexFunc(status.Conditions, isRendered); i >= 0 {
		status.Conditions[i] = rendered
	} else {
		status.Conditions = append(status.Conditions, rendered)
	}
	status.RenderStatus = steps
	return withStatus(content, &status)
}

// WithoutRenderStatus is content without what WithRenderStatus records:
// the Kptfile as kpt releases before it wrote it, to compare with them.
func WithoutRenderStatus(content string) (string, error) {
	kf, err := Read(content)
	if err != nil || kf.Status == nil {
		return content, err
	}
	status := *kf.Status
	status.Conditions = slices.DeleteFunc(slices.Clone(status.Conditions), isRendered)
	status.RenderStatus = nil
	if status.IsEmpty() {
		return withStatus(content, nil)
	}
	return withStatus(content, &status)
}

// withStatus is content with status as its status section (none for
// nil), the rest as it was written.
func withStatus(content string, status *kptfilev1.Status) (string, error) {
	node, err := Parse(content)
	if err != nil {
		return "", err
	}
	if err := node.PipeE(setSection("status", status)); err != nil {
		return "", fmt.Errorf("%s: %w", Name, err)
	}
	b, err := yaml.MarshalWithOptions(node.Document(), &yaml.EncoderOptions{SeqIndent: sequenceStyle(content)})
	if err != nil {
		return "", fmt.Errorf("%s: %w", Name, err)
	}
	return string(b), nil
}

func isRendered(c kptfilev1.Condition) bool { return c.Type == kptfilev1.ConditionTypeRendered }

// sequenceStyle is how content indents its sequences; kpt's own, wide,
// when it has none.
func sequenceStyle(content string) yaml.SequenceIndentStyle {
	for _, line := range strings.Split(content, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "- ") {
			return yaml.SequenceIndentStyle(yaml.DeriveSeqIndentStyle(content))
		}
	}
	return yaml.WideSequenceStyle
}
