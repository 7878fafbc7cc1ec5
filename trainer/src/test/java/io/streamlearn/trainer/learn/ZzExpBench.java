package io.streamlearn.trainer.learn;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@EnabledIfSystemProperty(named = "bench", matches = "true")
class ZzExpBench {
    private static final NetworkSpec SPEC = new NetworkSpec(784, List.of(100), "relu", 10, "adam", 0.001, 42);

    @ParameterizedTest
    @ValueSource(ints = {32, 128})
    void parts(int batch) {
        MultiLayerNetwork network = SPEC.build();
        float[] buf = new float[batch * 784];
        for (int i = 0; i < buf.length; i++) buf[i] = (float) Math.random();
        int n = 2000;
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                try (INDArray x = Nd4j.create(buf, new long[] {batch, 784}, org.nd4j.linalg.api.buffer.DataType.FLOAT)) { }
            }
            long t1 = System.nanoTime();
            try (INDArray x = Nd4j.create(buf, new long[] {batch, 784}, org.nd4j.linalg.api.buffer.DataType.FLOAT)) {
                for (int i = 0; i < n; i++) {
                    try (INDArray out = network.output(x, false)) { out.toFloatMatrix(); }
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    INDArray a = x;
                    for (int l = 0; l < network.getnLayers(); l++) {
                        INDArray z = a.mmul(network.getLayer(l).getParam("W")).addiRowVector(network.getLayer(l).getParam("b"));
                        ((FeedForwardLayer) network.getLayerWiseConfigurations().getConf(l).getLayer()).getActivationFn().getActivation(z, false);
                        if (a != x) a.close();
                        a = z;
                    }
                    a.toFloatMatrix();
                    a.close();
                }
                long t3 = System.nanoTime();
                System.out.printf("batch %d: create %.1f us, output+toFloatMatrix %.1f us, manual forward %.1f us%n", batch,
                        (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n);
            }
        }
    }
}
