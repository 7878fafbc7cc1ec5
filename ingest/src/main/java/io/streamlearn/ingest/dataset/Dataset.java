package io.streamlearn.ingest.dataset;

/**
 * Labeled examples held in memory: {@code features[i]} (all of one length, scaled as the reader documents) has
 * class {@code labels[i]}. The arrays are shared, not copied: treat them as read-only.
 */
public record Dataset(String name, float[][] features, int[] labels) {
    public Dataset {
        if (features.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + features.length + " feature rows but "
                    + labels.length + " labels");
        }
        int width = features.length == 0 ? 0 : features[0].length;
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != width) {
                throw new IllegalArgumentException(name + ": row " + i + " has " + features[i].length
                        + " features, row 0 has " + width);
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** Features per example (0 for an empty dataset). */
    public int inputSize() {
        return features.length == 0 ? 0 : features[0].length;
    }
}
