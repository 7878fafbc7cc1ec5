package io.streamlearn.trainer;

import io.streamlearn.trainer.learn.OnlineLearner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes, after each test, the learners the test opened through it: they hold native buffers that only the GC would
 * free otherwise. Register it on an instance field with {@code @RegisterExtension}.
 */
public final class OpenLearners implements AfterEachCallback {
    private final List<OnlineLearner> opened = new ArrayList<>();

    public OnlineLearner open(OnlineLearner learner) {
        opened.add(learner);
        return learner;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        opened.forEach(OnlineLearner::close);
        opened.clear();
    }
}
