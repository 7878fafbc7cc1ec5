package io.streamlearn.ingest.dataset;

import java.io.IOException;
import java.nio.file.Path;

/** Where the four IDX files of an MNIST-layout dataset are: training and test images and labels. */
public record IdxFiles(String name, Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    public Dataset readTrain() throws IOException {
        return IdxReader.read(name + "-train", trainImages, trainLabels);
    }

    public Dataset readTest() throws IOException {
        return IdxReader.read(name + "-test", testImages, testLabels);
    }
}
