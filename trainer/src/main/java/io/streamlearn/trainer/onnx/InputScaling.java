package io.streamlearn.trainer.onnx;

/**
 * The affine transform {@code (x - offset) * scale} applied to every feature before the network: the learner
 * applies it to what it learns from, the ONNX export puts it in front of the graph, so that the scorer sends raw
 * features. The identity ({@code offset 0, scale 1}) adds no node.
 */
public record InputScaling(float offset, float scale) {
    public static final InputScaling IDENTITY = new InputScaling(0f, 1f);

    public InputScaling {
        if (!Float.isFinite(offset) || !Float.isFinite(scale) || scale == 0f) {
            throw new IllegalArgumentException("input scaling needs a finite offset and a finite non-zero scale, got "
                    + offset + " and " + scale);
        }
    }

    public boolean isIdentity() {
        return offset == 0f && scale == 1f;
    }

    public float apply(float x) {
        return (x - offset) * scale;
    }
}
