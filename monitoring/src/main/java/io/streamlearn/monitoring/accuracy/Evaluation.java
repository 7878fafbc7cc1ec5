package io.streamlearn.monitoring.accuracy;

/**
 * One prediction compared with its true label.
 *
 * @param source       "event" (label joined from the labels topic) or "sample" (label carried by the sample)
 * @param modelVersion version of the model that made the prediction
 * @param predicted    predicted class
 * @param actual       true class
 * @param labelDelayMs time from the record to its label, 0 when the label came with the record
 */
public record Evaluation(String source, long modelVersion, int predicted, int actual, long labelDelayMs,
                         int sourcePartition, long sourceOffset) {
    /** An evaluation whose input record position is unknown. */
    public Evaluation(String source, long modelVersion, int predicted, int actual, long labelDelayMs) {
        this(source, modelVersion, predicted, actual, labelDelayMs, -1, -1);
    }

    public boolean correct() {
        return predicted == actual;
    }
}
