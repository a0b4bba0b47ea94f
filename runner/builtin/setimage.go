package builtin

import (
	"fmt"

	"sigs.k8s.io/kustomize/api/filters/imagetag"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setImage is the catalog's set-image: it changes the name, tag or digest
// of the images named image.name, in containers wherever they are.
func setImage(rl *framework.ResourceList) error {
	img, err := imageConfig(rl.FunctionConfig)
	if err != nil {
		return err
	}
	if img.Name == "" {
		return fmt.Errorf("set-image: image.name is required")
	}
	if img.NewName == "" && img.NewTag == "" && img.Digest == "" {
		return fmt.Errorf("set-image: one of image.newName, image.newTag or image.digest is required")
	}
	// The field specs cover the known workloads; the legacy filter finds
	// containers in any other kind, as the catalog function does.
	rl.Items, err = imagetag.Filter{ImageTag: img, FsSlice: imageFields}.Filter(rl.Items)
	if err == nil {
		rl.Items, err = imagetag.LegacyFilter{ImageTag: img}.Filter(rl.Items)
	}
	if err != nil {
		return fmt.Errorf("set-image: %w", err)
	}
	return nil
}

// imageConfig reads a SetImage's image field or a ConfigMap's data keys
// name, newName, newTag and digest.
func imageConfig(fc *yaml.RNode) (types.Image, error) {
	var img types.Image
	if fc == nil || fc.IsNilOrEmpty() {
		return img, fmt.Errorf("set-image: functionConfig is missing: want a ConfigMap or a SetImage")
	}
	switch fc.GetKind() {
	case "ConfigMap":
		d := fc.GetDataMap()
		img = types.Image{Name: d["name"], NewName: d["newName"], NewTag: d["newTag"], Digest: d["digest"]}
	case "SetImage":
		node, err := fc.Pipe(yaml.Lookup("image"))
		if err != nil || node == nil {
			return img, fmt.Errorf("set-image: SetImage has no image field")
		}
		if err := node.YNode().Decode(&img); err != nil {
			return img, fmt.Errorf("set-image: image: %w", err)
		}
	default:
		return img, fmt.Errorf("set-image: functionConfig of kind %q is not supported: want a ConfigMap or a SetImage", fc.GetKind())
	}
	return img, nil
}
