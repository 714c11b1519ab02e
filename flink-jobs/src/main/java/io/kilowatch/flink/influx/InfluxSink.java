package io.kilowatch.flink.influx;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes elements to InfluxDB as line protocol through the v1 {@code /write} API.
 *
 * <p>Built on Flink's {@link AsyncSinkBase}: batching by count, bytes and time; a bounded
 * buffer that back-pressures the job; buffered lines kept in checkpoints and flushed before a
 * checkpoint completes, so nothing acknowledged upstream is lost. Points are keyed by
 * measurement, tags and window-start timestamp, so a retry or replay overwrites rather than
 * duplicates: at-least-once delivery gives exactly-once contents.
 */
public class InfluxSink<T> extends AsyncSinkBase<T, String> {
    private static final long MAX_LINE_BYTES = 64 * 1024;

    private final InfluxConfig config;

    public InfluxSink(ElementConverter<T, String> toLine, InfluxConfig config) {
        super(
                toLine,
                config.maxBatchSize(),
                config.maxInFlightRequests(),
                config.maxBufferedRequests(),
                8L * 1024 * 1024,
                config.maxTimeInBuffer().toMillis(),
                MAX_LINE_BYTES);
        this.config = config;
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<String>> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<String>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<String>> recovered) {
        return new InfluxSinkWriter<>(
                getElementConverter(),
                context,
                config,
                getMaxBatchSize(),
                getMaxInFlightRequests(),
                getMaxBufferedRequests(),
                getMaxBatchSizeInBytes(),
                getMaxTimeInBufferMS(),
                getMaxRecordSizeInBytes(),
                recovered);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<String>> getWriterStateSerializer() {
        return new LineStateSerializer();
    }

    /** Buffered lines in checkpoints: length-prefixed UTF-8 (writeUTF would cap a line at 64 KiB of modified UTF-8). */
    static final class LineStateSerializer extends AsyncSinkWriterStateSerializer<String> {
        @Override
        protected void serializeRequestToStream(String line, DataOutputStream out) throws IOException {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        @Override
        protected String deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int getVersion() {
            return 1;
        }
    }
}
