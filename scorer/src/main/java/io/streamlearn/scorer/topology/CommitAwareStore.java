package io.streamlearn.scorer.topology;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The micro-batch buffer's store: a changelogged key-value store that tells its processor when Kafka Streams is
 * about to commit, so that waiting records live in memory and only those still waiting then are written. Before it
 * commits a task's input offsets (on schedule, on rebalance, on close), Kafka Streams flushes the record caches of
 * the task's stores, and that is the hook: this store presents itself as a cached store (Kafka Streams' internal
 * {@link CachedStateStore}, the only call that precedes every commit; {@code StateStore.flush()} comes at
 * checkpoints, after the commit). It holds no cache of its own.
 */
final class CommitAwareStore implements StateStore, CachedStateStore<Long, byte[]> {
    private final KeyValueStore<Long, byte[]> store;
    private Runnable beforeCommit = () -> { };

    private CommitAwareStore(KeyValueStore<Long, byte[]> store) {
        this.store = store;
    }

    /** Builds the store around the uncached store {@code inner} builds, with inner's name and changelog. */
    static StoreBuilder<CommitAwareStore> builder(StoreBuilder<KeyValueStore<Long, byte[]>> inner) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitAwareStore> withCachingEnabled() {
                throw new UnsupportedOperationException("the buffer store writes at commits only; no cache");
            }

            @Override
            public StoreBuilder<CommitAwareStore> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<CommitAwareStore> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<CommitAwareStore> withLoggingDisabled() {
                throw new UnsupportedOperationException("the buffer store must be changelogged");
            }

            @Override
            public CommitAwareStore build() {
                return new CommitAwareStore(inner.withCachingDisabled().build());
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    /** The records themselves. */
    KeyValueStore<Long, byte[]> records() {
        return store;
    }

    /** Runs {@code action} each time Kafka Streams is about to commit this store's task. */
    void beforeCommit(Runnable action) {
        this.beforeCommit = action;
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Long, byte[]> listener, boolean sendOldValues) {
        return false; // nothing downstream reads this store's changes
    }

    @Override
    public void clearCache() {
        // No cache: the processor rebuilds its memory from the store when the task is initialized again.
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        store.init(context, root);
    }

    @Override
    public void flush() {
        store.flush();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public boolean persistent() {
        return store.persistent();
    }

    @Override
    public boolean isOpen() {
        return store.isOpen();
    }
}
