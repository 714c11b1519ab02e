package io.kilowatch.flink.io;

import io.kilowatch.model.InvalidReadingException;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values of kw.readings. Ingest only writes what it validated, so an undecodable record means a
 * foreign producer: it is skipped, logged and counted ({@code undecodableReadings}) rather than
 * failing the job into a restart loop on the same offset.
 */
public class ReadingDeserializationSchema implements DeserializationSchema<Reading> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadingDeserializationSchema.class);

    private transient ReadingCodec codec;
    private transient Counter undecodable;

    @Override
    public void open(InitializationContext context) {
        codec = new ReadingCodec();
        undecodable = context.getMetricGroup().counter("undecodableReadings");
    }

    @Override
    public Reading deserialize(byte[] message) {
        throw new UnsupportedOperationException("use deserialize(byte[], Collector)");
    }

    @Override
    public void deserialize(byte[] message, Collector<Reading> out) {
        try {
            out.collect(codec.decodeReading(message));
        } catch (InvalidReadingException e) {
            undecodable.inc();
            LOG.warn("skipping undecodable record on the readings topic ({}: {})", e.reason(), e.detail());
        }
    }

    @Override
    public boolean isEndOfStream(Reading next) {
        return false;
    }

    @Override
    public TypeInformation<Reading> getProducedType() {
        return TypeInformation.of(Reading.class);
    }
}
