package io.streamlearn.trainer.checkpoint;

import io.streamlearn.trainer.learn.OnlineLearner;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.apache.kafka.common.TopicPartition;

/**
 * One model's checkpoint file in a folder: the learner's whole state (see {@link OnlineLearner#writeState}) and the
 * next offset to learn per partition, saved together so that they always describe the same moment. A save writes a
 * temporary file, forces it to disk, renames it over the previous checkpoint (atomic) and forces the folder: a
 * crash leaves either the old or the new checkpoint, never a mix. A CRC-32 over the file catches a damaged one.
 * The file also names the model and the samples topic's id, so that a checkpoint of another model, or of a topic
 * that was deleted and created again, is refused instead of resumed at meaningless offsets. Holding the store
 * holds a lock file, so that two trainers of one model cannot share the folder.
 */
public final class CheckpointStore implements AutoCloseable {
    private static final int MAGIC = 0x534c434b; // "SLCK"
    private static final int FORMAT = 1;

    private final Path file;
    private final Path temporary;
    private final String modelName;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** Where {@link #save} and {@link #restore} keep the checkpoint of {@code modelName} in {@code dir}. */
    public static CheckpointStore open(Path dir, String modelName) {
        try {
            Files.createDirectories(dir);
            return new CheckpointStore(dir, modelName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use checkpoint folder " + dir + " for model " + modelName, e);
        }
    }

    private CheckpointStore(Path dir, String modelName) throws IOException {
        String base = fileName(modelName);
        this.file = dir.resolve(base + ".checkpoint");
        this.temporary = dir.resolve(base + ".checkpoint.tmp");
        this.modelName = modelName;
        this.lockChannel = FileChannel.open(dir.resolve(base + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            lockChannel.close();
            throw new IllegalStateException("another trainer of model " + modelName + " holds the checkpoint lock in "
                    + dir + "; one model has one active trainer per checkpoint folder");
        }
        this.lock = acquired;
    }

    /** The model name as a file name, one-to-one: ASCII letters, digits, '.' and '-' kept, anything else as '_' and its hex code. */
    static String fileName(String modelName) {
        StringBuilder name = new StringBuilder();
        modelName.codePoints().forEach(c -> {
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.')) {
                name.appendCodePoint(c);
            } else {
                name.append('_').append(Integer.toHexString(c));
            }
        });
        return name.toString();
    }

    public Path file() {
        return file;
    }

    /** Atomically replaces the checkpoint with the learner's state and the offsets it has learned up to. */
    public void save(String topicId, Map<TopicPartition, Long> offsets, OnlineLearner learner) {
        try {
            CRC32 crc = new CRC32();
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc));
                writeHeader(out, topicId, offsets);
                learner.writeState(out);
                out.flush();
                channel.write(ByteBuffer.allocate(Long.BYTES).putLong(0, crc.getValue()));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // makes the rename itself durable
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file + " of model " + modelName, e);
        }
    }

    private void writeHeader(DataOutputStream out, String topicId, Map<TopicPartition, Long> offsets) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(modelName);
        out.writeUTF(topicId);
        out.writeInt(offsets.size());
        var sorted = offsets.entrySet().stream().sorted(Map.Entry.comparingByKey(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))).toList();
        for (Map.Entry<TopicPartition, Long> e : sorted) {
            out.writeUTF(e.getKey().topic());
            out.writeInt(e.getKey().partition());
            out.writeLong(e.getValue());
        }
    }

    /**
     * Restores the learner from the checkpoint, if there is one, and returns the offsets it had learned up to.
     *
     * @throws CheckpointException when the checkpoint is damaged, belongs to another model or topic, or does not fit
     *                             the configured network; the message says which file and why
     */
    public Optional<Map<TopicPartition, Long>> restore(String topicId, OnlineLearner learner) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + file, e);
        }
        if (bytes.length < Long.BYTES) {
            throw new CheckpointException(file + " is truncated (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong()) {
            throw new CheckpointException(file + " is damaged (CRC-32 mismatch); move it away to start a new model");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - Long.BYTES))) {
            Map<TopicPartition, Long> offsets = readHeader(in, topicId);
            learner.readState(in);
            return Optional.of(offsets);
        } catch (IOException | RuntimeException e) { // ND4J fails with runtime exceptions
            throw new CheckpointException(file + " cannot be restored: " + e.getMessage(), e);
        }
    }

    private Map<TopicPartition, Long> readHeader(DataInputStream in, String topicId) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a streamlearn checkpoint");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("checkpoint format " + format + ", this version reads " + FORMAT);
        }
        String savedModel = in.readUTF();
        if (!savedModel.equals(modelName)) {
            throw new IOException("it belongs to model " + savedModel + ", not " + modelName);
        }
        String savedTopic = in.readUTF();
        if (!savedTopic.equals(topicId)) {
            throw new IOException("it was learned from samples topic id " + savedTopic + ", the topic now has id "
                    + topicId + " (deleted and created again?): its offsets mean nothing there; move it away to "
                    + "start a new model");
        }
        int partitions = in.readInt();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < partitions; i++) {
            offsets.put(new TopicPartition(in.readUTF(), in.readInt()), in.readLong());
        }
        return offsets;
    }

    /** Releases the lock (the checkpoint stays). */
    @Override
    public void close() {
        try (lockChannel) {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the checkpoint lock of model " + modelName, e);
        }
    }
}
